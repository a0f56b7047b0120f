/**
 * Issue #10, per-device account data.
 *
 * Against the real Synapse (MSC3890 on): devices made by signing in several times, their
 * `io.element.matrix_client_information.<id>` and `org.matrix.msc3890.local_notification_settings.<id>`
 * entries under their device and under Global, "not supported" for MSC4331 said once, sign-outs
 * (another client's and the app's own) followed without a reload, orphans and "Delete orphans".
 *
 * MSC4331 itself: no server we can run implements it, so the tests named "(stubbed MSC4331 server)"
 * put e2e/msc4331-stub.ts in front of the real Synapse — list, read, write own, the refused write on
 * another device, a live delta, data gone with the device.
 */
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { signIn, type InspectorPage } from './pages.ts';
import { installMsc4331Stub, type Msc4331Stub } from './msc4331-stub.ts';
import {
  getGlobalAccountData,
  listDeviceIds,
  loginAsNewDevice,
  logoutDevice,
  putClientInformation,
  putLocalNotificationSettings,
  type TestUser,
} from '../test-support/synapse.ts';

const UNSUPPORTED = 'Device account data: not supported by this server';
const clientInfoType = (deviceId: string) => `io.element.matrix_client_information.${deviceId}`;
const msc3890Type = (deviceId: string) => `org.matrix.msc3890.local_notification_settings.${deviceId}`;
/** The MSC4331 type the stubbed tests use: in the app's catalogue, so it is read without a delta. */
const LOCAL_NOTIFICATIONS = 'm.local_notification_settings';
/** The display name the app gives its own device (e2e/inspector.spec.ts). */
const INSPECTOR = 'Account Data Inspector';

/** Signs in and returns the inspector with the device ID the app's own login got. */
async function signInWithDeviceId(
  page: Page,
  user: TestUser,
): Promise<{ inspector: InspectorPage; ownId: string }> {
  const login = page.waitForResponse(
    (res) => res.request().method() === 'POST' && /\/_matrix\/client\/v3\/login$/.test(res.url()),
  );
  const inspector = await signIn(page, user);
  const { device_id } = (await (await login).json()) as { device_id: string };
  return { inspector, ownId: device_id };
}

/** Sorted, for comparisons that should not depend on the order of rows. */
const sorted = (labels: string[]) => [...labels].sort();

test.describe('devices and their per-device entries (real Synapse)', () => {
  test('each device shows its client, and both of its per-device entries under it and under Global', async ({
    page,
    user,
  }) => {
    const phone = await loginAsNewDevice(user, 'Phone');
    const laptop = await loginAsNewDevice(user, 'Laptop');
    await putClientInformation(user, phone.deviceId, {
      name: 'Element',
      version: '1.11.85',
      url: 'app.element.io',
    });
    await putClientInformation(user, laptop.deviceId, { name: 'Element Nightly', version: '2025.05.01' });
    await putLocalNotificationSettings(user, phone.deviceId, true);
    await putLocalNotificationSettings(user, laptop.deviceId, false);
    const inspector = await signIn(page, user);

    await inspector.expand('Devices');
    await expect(inspector.item('Phone')).toContainText(phone.deviceId);
    await expect(inspector.item('Phone')).toContainText('Element 1.11.85');
    await expect(inspector.item('Laptop')).toContainText(laptop.deviceId);
    await expect(inspector.item('Laptop')).toContainText('Element Nightly 2025.05.01');
    await expect(inspector.item(INSPECTOR)).toContainText('this inspector');

    await inspector.expand('Phone');
    await expect
      .poll(async () => sorted(await inspector.childLabels('Phone')))
      .toEqual(sorted([clientInfoType(phone.deviceId), msc3890Type(phone.deviceId)]));
    // The same entries are under Global.
    for (const type of [clientInfoType(phone.deviceId), msc3890Type(phone.deviceId)]) {
      await expect(await inspector.itemUnder('Global', type)).toBeVisible();
    }

    // Selecting the one under the device opens the same entry as the one under Global.
    const type = clientInfoType(phone.deviceId);
    await inspector.openUnder('Phone', type);
    await expect(inspector.editor(type)).toBeAttached();
    await expect.poll(() => inspector.editorText()).toContain('1.11.85');
    await expect.poll(() => inspector.editorText()).toContain('app.element.io');
    await inspector.openUnder('Global', type);
    await expect(inspector.editor(type)).toBeAttached();
    await expect.poll(() => inspector.editorText()).toContain('1.11.85');
  });

  test('says once, in the Devices group, that the server has no device account data', async ({
    page,
    user,
  }) => {
    const phone = await loginAsNewDevice(user, 'Phone');
    await putClientInformation(user, phone.deviceId, { name: 'Element', version: '1.11.85' });
    await loginAsNewDevice(user, 'Laptop');
    const inspector = await signIn(page, user);
    await inspector.expand('Devices');
    await inspector.expand('Phone');
    await inspector.expand('Laptop');
    await expect(inspector.tree.getByText(UNSUPPORTED)).toHaveCount(1);
    // Not per device: the message is a row of the group itself.
    const rows = await inspector.rows();
    const messages = rows.filter((r) => r.text.includes(UNSUPPORTED));
    expect(messages.map((r) => r.level)).toEqual([2]);
  });

  test('a device signed out by another client leaves without a reload: its MSC3890 entry is deleted, its client information an orphan', async ({
    page,
    user,
  }) => {
    const phone = await loginAsNewDevice(user, 'Phone');
    const laptop = await loginAsNewDevice(user, 'Laptop');
    for (const device of [phone, laptop]) {
      await putClientInformation(user, device.deviceId, { name: 'Element', version: '1.11.85' });
      await putLocalNotificationSettings(user, device.deviceId, true);
    }
    const inspector = await signIn(page, user);
    await inspector.expand('Devices');
    await expect(inspector.item('Phone')).toBeVisible();
    await expect(inspector.item('Orphaned entries')).toHaveCount(0);

    await logoutDevice(phone);
    await expect(inspector.item('Phone')).toHaveCount(0, { timeout: 10_000 });
    await expect(inspector.item('Laptop')).toBeVisible();

    // Synapse soft-deleted the MSC3890 entry with the device: a tombstone under Global.
    await expect(await inspector.itemUnder('Global', msc3890Type(phone.deviceId))).toContainText('Deleted');
    expect(await getGlobalAccountData(user, msc3890Type(phone.deviceId))).toBeNull();
    // The client information stays on the server: an orphan.
    await inspector.expand('Orphaned entries');
    await expect
      .poll(() => inspector.childLabels('Orphaned entries'))
      .toEqual([clientInfoType(phone.deviceId)]);
    // The live device's entries are not orphans.
    await expect(await inspector.itemUnder('Global', clientInfoType(laptop.deviceId))).not.toContainText(
      'Deleted',
    );
  });

  test('"Delete orphans" lists exactly what it deletes, deletes it, and leaves the live devices alone', async ({
    page,
    user,
  }) => {
    const phone = await loginAsNewDevice(user, 'Phone');
    const laptop = await loginAsNewDevice(user, 'Laptop');
    for (const device of [phone, laptop]) {
      await putClientInformation(user, device.deviceId, { name: 'Element', version: '1.11.85' });
      await putLocalNotificationSettings(user, device.deviceId, false);
    }
    await logoutDevice(phone);
    // A client-information entry of a device that signed out long ago.
    await putClientInformation(user, 'GONEDEVICE', { name: 'Element Desktop', version: '1.11.40' });
    const orphans = sorted([clientInfoType(phone.deviceId), clientInfoType('GONEDEVICE')]);
    const inspector = await signIn(page, user);
    await inspector.expand('Devices');

    await inspector.item('Orphaned entries').click();
    const region = page.getByRole('region', { name: 'Orphaned entries' });
    await region.getByRole('button', { name: 'Delete orphans' }).click();
    const dialog = inspector.dialog('Delete orphaned entries');
    await expect(dialog).toBeVisible();
    expect(sorted(await dialog.getByRole('listitem').allTextContents()).map((t) => t.trim())).toEqual(
      orphans,
    );
    await expect(dialog).not.toContainText(laptop.deviceId);
    await dialog.getByRole('button', { name: 'Delete 2 entries' }).click();

    for (const type of orphans) await expect.poll(() => getGlobalAccountData(user, type)).toBeNull();
    expect(await getGlobalAccountData(user, clientInfoType(laptop.deviceId))).toEqual({
      name: 'Element',
      version: '1.11.85',
    });
    expect(await getGlobalAccountData(user, msc3890Type(laptop.deviceId))).toEqual({ is_silenced: false });
    await expect(inspector.item('Orphaned entries')).toHaveCount(0);
  });

  test('one orphan: the confirmation says "Delete 1 entry"', async ({ page, user }) => {
    const phone = await loginAsNewDevice(user, 'Phone');
    await putClientInformation(user, phone.deviceId, { name: 'Element', version: '1.11.85' });
    await logoutDevice(phone);
    const inspector = await signIn(page, user);
    await inspector.expand('Devices');
    await inspector.item('Orphaned entries').click();
    await page
      .getByRole('region', { name: 'Orphaned entries' })
      .getByRole('button', { name: 'Delete orphans' })
      .click();
    const dialog = inspector.dialog('Delete orphaned entries');
    await expect(dialog.getByRole('listitem')).toHaveText([clientInfoType(phone.deviceId)]);
    await dialog.getByRole('button', { name: 'Delete 1 entry' }).click();
    await expect.poll(() => getGlobalAccountData(user, clientInfoType(phone.deviceId))).toBeNull();
    await expect(inspector.item('Orphaned entries')).toHaveCount(0);
  });

  test('signs another device out from its pane, and the list follows without a reload', async ({
    page,
    user,
  }) => {
    const laptop = await loginAsNewDevice(user, 'Laptop');
    const inspector = await signIn(page, user);
    await inspector.expand('Devices');
    await inspector.item('Laptop').click();
    const pane = page.getByRole('region', { name: `Device ${laptop.deviceId}` });
    await expect(pane).toContainText('Its per-device account data is deleted with the device.');
    await pane.getByRole('button', { name: 'Sign out device…' }).click();
    const dialog = inspector.dialog('Sign out device');
    await dialog.getByRole('textbox', { name: 'Password' }).fill(user.password);
    await dialog.getByRole('button', { name: 'Sign out', exact: true }).click();

    await expect(inspector.item('Laptop')).toHaveCount(0, { timeout: 10_000 });
    expect(await listDeviceIds(user)).not.toContain(laptop.deviceId);
    // Still signed in ourselves.
    await expect(inspector.item(INSPECTOR)).toBeVisible();
  });

  test('a new sign-in of the same user appears in the device list without a reload', async ({
    page,
    user,
  }) => {
    const inspector = await signIn(page, user);
    await inspector.expand('Devices');
    await expect(inspector.item(INSPECTOR)).toBeVisible();
    await expect(inspector.item('Tablet')).toHaveCount(0);
    const tablet = await loginAsNewDevice(user, 'Tablet');
    await expect(inspector.item('Tablet')).toBeVisible({ timeout: 10_000 });
    await expect(inspector.item('Tablet')).toContainText(tablet.deviceId);
  });
});

test.describe('MSC4331 device account data', () => {
  /** Installs the stub, signs in and opens the Devices group. */
  async function setUp(page: Page, user: TestUser) {
    const stub: Msc4331Stub = await installMsc4331Stub(page, { baseUrl: user.homeserver.baseUrl });
    const b = await loginAsNewDevice(user, 'Phone B');
    const { inspector, ownId } = await signInWithDeviceId(page, user);
    return { stub, b, inspector, ownId };
  }

  test('lists and reads another device’s entries (stubbed MSC4331 server)', async ({ page, user }) => {
    const { stub, b, inspector, ownId } = await setUp(page, user);
    stub.seed(b.deviceId, LOCAL_NOTIFICATIONS, { is_silenced: true });
    stub.seed(ownId, LOCAL_NOTIFICATIONS, { is_silenced: false });
    await inspector.expand('Devices');
    await expect(inspector.tree.getByText(UNSUPPORTED)).toHaveCount(0);

    await inspector.expand('Phone B');
    await inspector.openUnder('Phone B', LOCAL_NOTIFICATIONS);
    await expect(inspector.editor(LOCAL_NOTIFICATIONS)).toBeAttached();
    await expect.poll(() => inspector.editorText()).toMatch(/"is_silenced":\s*true/);

    await inspector.expand(INSPECTOR);
    await inspector.openUnder(INSPECTOR, LOCAL_NOTIFICATIONS);
    await expect.poll(() => inspector.editorText()).toMatch(/"is_silenced":\s*false/);
    // It was read with the unstable path after the stable one answered M_UNRECOGNIZED.
    expect(stub.requests.some((r) => r.path === 'stable' && r.status === 404)).toBe(true);
    expect(stub.requestsOf('GET', b.deviceId).some((r) => r.path === 'unstable' && r.status === 200)).toBe(
      true,
    );
  });

  test('edits and saves the inspector’s own device entry (stubbed MSC4331 server)', async ({
    page,
    user,
  }) => {
    const { stub, inspector, ownId } = await setUp(page, user);
    stub.seed(ownId, LOCAL_NOTIFICATIONS, { is_silenced: false });
    await inspector.expand('Devices');
    await inspector.expand(INSPECTOR);
    await inspector.openUnder(INSPECTOR, LOCAL_NOTIFICATIONS);
    await inspector.replaceText(LOCAL_NOTIFICATIONS, '{"is_silenced": true}');
    await inspector.button('Save').click();
    await inspector
      .dialog(new RegExp(`^Save ${LOCAL_NOTIFICATIONS.replace(/\./g, '\\.')}`))
      .getByRole('button', { name: 'Confirm save' })
      .click();
    await expect.poll(() => stub.get(ownId, LOCAL_NOTIFICATIONS)).toEqual({ is_silenced: true });
    expect(stub.requestsOf('PUT', ownId).map((r) => [r.path, r.status])).toContainEqual(['unstable', 200]);
  });

  test('another device’s entry is read-only and no write is sent (stubbed MSC4331 server)', async ({
    page,
    user,
  }) => {
    const { stub, b, inspector } = await setUp(page, user);
    stub.seed(b.deviceId, LOCAL_NOTIFICATIONS, { is_silenced: true });
    await inspector.expand('Devices');
    await inspector.expand('Phone B');
    await inspector.openUnder('Phone B', LOCAL_NOTIFICATIONS);
    await expect(page.getByText("Read-only: another device's data")).toBeVisible();
    await expect(page.getByText(`Only device ${b.deviceId} can change its own account data`)).toBeVisible();
    const save = inspector.button('Save');
    if ((await save.count()) > 0) await expect(save).toBeDisabled();
    // Ctrl/Cmd+S from the editor does not save either.
    await inspector.editor(LOCAL_NOTIFICATIONS).focus();
    await page.keyboard.press('ControlOrMeta+s');
    await expect(inspector.dialog(/^Save /)).toHaveCount(0);
    expect(stub.requestsOf('PUT', b.deviceId)).toEqual([]);
    expect(stub.get(b.deviceId, LOCAL_NOTIFICATIONS)).toEqual({ is_silenced: true });
  });

  test('"New entry" creates an entry on this device (stubbed MSC4331 server)', async ({ page, user }) => {
    const { stub, inspector, ownId } = await setUp(page, user);
    await inspector.button('New entry').click();
    const dialog = inspector.dialog('New entry');
    await dialog.getByLabel('Scope').selectOption({ label: `This device (${ownId})` });
    await dialog.getByLabel('Type').fill('org.example.device_pref');
    await dialog.getByLabel('Content').fill('{"theme": "dark"}');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => stub.get(ownId, 'org.example.device_pref')).toEqual({ theme: 'dark' });
    await inspector.expand('Devices');
    await inspector.expand(INSPECTOR);
    await expect(await inspector.itemUnder(INSPECTOR, 'org.example.device_pref')).toBeVisible();
  });

  test('another device’s write arrives live by sync (stubbed MSC4331 server)', async ({ page, user }) => {
    const { stub, b, inspector } = await setUp(page, user);
    await inspector.expand('Devices');
    await inspector.expand('Phone B');

    stub.writeAs(b.deviceId, 'org.example.live', { v: 1 });
    await inspector.openUnder('Phone B', 'org.example.live');
    await expect.poll(() => inspector.editorText()).toMatch(/"v":\s*1/);

    stub.writeAs(b.deviceId, 'org.example.live', { v: 2 });
    await expect.poll(() => inspector.editorText()).toMatch(/"v":\s*2/);
    expect(stub.deliveredDeltas.length).toBe(2);
  });

  test('a device’s data goes with the device (stubbed MSC4331 server)', async ({ page, user }) => {
    const { stub, b, inspector } = await setUp(page, user);
    stub.seed(b.deviceId, LOCAL_NOTIFICATIONS, { is_silenced: true });
    stub.writeAs(b.deviceId, 'org.example.b_only', { x: 1 });
    await inspector.expand('Devices');
    await inspector.expand('Phone B');
    await expect(await inspector.itemUnder('Phone B', 'org.example.b_only')).toBeVisible();
    await expect(await inspector.itemUnder('Phone B', LOCAL_NOTIFICATIONS)).toBeVisible();

    await logoutDevice(b);
    await expect(inspector.item('Phone B')).toHaveCount(0, { timeout: 10_000 });
    await expect(inspector.item('org.example.b_only')).toHaveCount(0);
    await expect(inspector.item(LOCAL_NOTIFICATIONS)).toHaveCount(0);
  });
});
