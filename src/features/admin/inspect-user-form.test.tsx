// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InspectUserForm, openRefusal } from './inspect-user-form.tsx';

afterEach(cleanup);

const ME = '@admin:hs.test';

function setup(props: Partial<Parameters<typeof InspectUserForm>[0]> = {}) {
  const onOpen = vi.fn();
  render(
    <InspectUserForm
      ownUserId={ME}
      recent={[]}
      current={null}
      opening={null}
      error={null}
      onOpen={onOpen}
      {...props}
    />,
  );
  const form = screen.getByRole('form', { name: 'Inspect another user' });
  return { onOpen, form, user: userEvent.setup() };
}

describe('InspectUserForm (admin mode, issue #13)', () => {
  it('opens a valid user ID, trimmed', async () => {
    const { onOpen, form, user } = setup();
    await user.type(within(form).getByRole('textbox', { name: 'User ID' }), '  @bob:hs.test ');
    await user.click(within(form).getByRole('button', { name: 'Open' }));
    expect(onOpen).toHaveBeenCalledWith('@bob:hs.test');
  });

  it('refuses an invalid ID and the admin themself before any request', async () => {
    const { onOpen, form, user } = setup();
    const box = within(form).getByRole('textbox', { name: 'User ID' });
    await user.type(box, 'bob');
    await user.click(within(form).getByRole('button', { name: 'Open' }));
    expect(within(form).getByRole('alert').textContent).toContain('is not a Matrix user ID');
    expect(box.getAttribute('aria-invalid')).toBe('true');
    await user.clear(box);
    await user.type(box, ME);
    await user.click(within(form).getByRole('button', { name: 'Open' }));
    expect(within(form).getByRole('alert').textContent).toContain('your own account');
    expect(onOpen).not.toHaveBeenCalled();
  });

  it("shows the caller's error and lists the users looked at, the current one marked", async () => {
    const { onOpen, user } = setup({
      recent: ['@a:hs.test', '@b:hs.test'],
      current: '@b:hs.test',
      error: 'There is no user @c:hs.test on this server.',
    });
    expect(screen.getByRole('alert').textContent).toContain('There is no user @c:hs.test');
    const list = screen.getByRole('navigation', { name: 'Users looked at this session' });
    expect(within(list).getByRole('button', { name: '@b:hs.test' }).getAttribute('aria-current')).toBe(
      'true',
    );
    await user.click(within(list).getByRole('button', { name: '@a:hs.test' }));
    expect(onOpen).toHaveBeenCalledWith('@a:hs.test');
  });

  it('openRefusal', () => {
    expect(openRefusal('', ME)).toMatch(/Enter a user ID/);
    expect(openRefusal('@x:y', ME)).toBeNull();
  });
});
