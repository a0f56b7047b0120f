/**
 * Issue #14, the Validation pane on the real Synapse: an `m.direct` seeded by "another client" with
 * a value that is not an array and a DM room the user has left is listed as two problems; a link
 * opens the entry; fixing the data elsewhere updates the list live (sync).
 */
import { test, expect } from './fixtures.ts';
import { signIn } from './pages.ts';
import { api, createRoom, putAccountData } from '../test-support/synapse.ts';

test('Validation lists a non-array m.direct value and a DM room the user is not in, and opens the entry', async ({
  page,
  user,
}) => {
  const server = user.userId.slice(user.userId.indexOf(':') + 1);
  const joined = await createRoom(user, { name: 'Still here' });
  const left = await createRoom(user, { name: 'Left behind' });
  await api(user, 'POST', `/v3/rooms/${encodeURIComponent(left)}/leave`, {});
  const bob = `@bob:${server}`;
  const carol = `@carol:${server}`;
  await putAccountData(user, 'm.direct', { [bob]: joined, [carol]: [joined, left] });

  const inspector = await signIn(page, user);
  const tools = page.getByRole('group', { name: 'Support tools' });
  await tools.getByRole('button', { name: 'Validation' }).click();
  const pane = page.getByRole('region', { name: 'Validation' });

  // The membership check waits until every joined room is known; Live means it is.
  await expect(pane.getByRole('status')).toHaveText(/^2 problems in 1 entry \(1 error, 1 warning\)/);
  const problems = pane.getByRole('list', { name: 'Problems of m.direct' }).getByRole('listitem');
  await expect(problems).toHaveCount(2);
  await expect(problems.filter({ hasText: `/${bob}` })).toContainText('not an array of room IDs');
  await expect(problems.filter({ hasText: left })).toContainText('not a room you are joined to');
  await expect(pane.getByText(joined, { exact: false })).toHaveCount(0);

  await pane.getByRole('button', { name: 'Open m.direct' }).click();
  await expect(page.getByRole('heading', { name: 'm.direct', level: 2 })).toBeVisible();
  await expect(inspector.item('m.direct')).toBeVisible();

  // Live: another client repairs the entry; the pane follows the sync.
  await tools.getByRole('button', { name: 'Validation' }).click();
  await putAccountData(user, 'm.direct', { [bob]: [joined] });
  await expect(pane.getByRole('status')).toHaveText('No problems found');
  await expect(pane.getByRole('list', { name: 'Problems by entry' })).toHaveCount(0);
});
