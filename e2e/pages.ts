/**
 * Page objects for the inspector, using role locators only (the same names a screen reader hears).
 */
import { expect, type Locator, type Page } from '@playwright/test';
import type { TestUser } from '../test-support/synapse.ts';

export class SignInPage {
  constructor(readonly page: Page) {}

  get homeserver(): Locator {
    return this.page.getByRole('textbox', { name: 'Homeserver' });
  }

  async chooseServer(address: string): Promise<void> {
    await this.page.goto('/');
    await this.homeserver.fill(address);
    await this.page.getByRole('button', { name: 'Continue' }).click();
  }

  async signInWithPassword(user: Pick<TestUser, 'homeserver' | 'localpart' | 'password'>): Promise<void> {
    await this.chooseServer(user.homeserver.baseUrl);
    const form = this.page.getByRole('form', { name: 'Sign in with password' });
    await form.getByLabel('Username').fill(user.localpart);
    await form.getByLabel('Password').fill(user.password);
    await form.getByRole('button', { name: 'Sign in' }).click();
  }
}

export class InspectorPage {
  constructor(readonly page: Page) {}

  get tree(): Locator {
    return this.page.getByRole('tree', { name: 'Account data' });
  }

  get status(): Locator {
    return this.page.getByRole('status', { name: 'Sync status' });
  }

  get filter(): Locator {
    return this.page.getByRole('searchbox', { name: 'Filter' });
  }

  /** A tree item whose accessible name starts with `name` (types, room names, group names). */
  item(name: string): Locator {
    return this.tree.getByRole('treeitem', { name: new RegExp(`^${escapeRegExp(name)}(\\s|$)`) });
  }

  async waitLive(): Promise<void> {
    await expect(this.status).toHaveText(/Live/, { timeout: 20_000 });
  }

  async expand(name: string): Promise<void> {
    const item = this.item(name);
    if ((await item.getAttribute('aria-expanded')) !== 'true') {
      await item.click();
      await this.page.keyboard.press('ArrowRight');
    }
    await expect(item).toHaveAttribute('aria-expanded', 'true');
  }

  async open(type: string): Promise<void> {
    await this.item(type).click();
    await expect(this.page.getByRole('heading', { name: type, level: 2 })).toBeVisible();
  }

  /** The editing surface of the open entry (Monaco's textarea carries the aria-label). */
  editor(type: string): Locator {
    return this.page.getByRole('textbox', { name: `Content of ${type}`, exact: true });
  }

  /** Reads the editor's text through Monaco's DOM (view lines), normalised to JSON-comparable text. */
  async editorText(): Promise<string> {
    const lines = this.page.locator('.entry-panel__editor .view-lines .view-line');
    const texts = await lines.allTextContents();
    return texts.join('\n').replace(/\u00a0/g, ' ');
  }

  /** Replaces the whole draft: select all, then insert text (no auto-closing brackets). */
  async replaceText(type: string, text: string): Promise<void> {
    const editor = this.editor(type);
    // Wait for Monaco itself: while its chunk loads, a read-only placeholder stands in.
    await expect(editor).toBeEditable();
    await editor.focus();
    await this.page.keyboard.press('ControlOrMeta+a');
    await this.page.keyboard.press('Delete');
    await this.page.keyboard.insertText(text);
  }

  button(name: string): Locator {
    return this.page.getByRole('button', { name, exact: true });
  }

  dialog(name?: string | RegExp): Locator {
    return name === undefined ? this.page.getByRole('dialog') : this.page.getByRole('dialog', { name });
  }
}

/** Signs in with a password and waits until the sync is live. */
export async function signIn(
  page: Page,
  user: Pick<TestUser, 'homeserver' | 'localpart' | 'password'>,
): Promise<InspectorPage> {
  await new SignInPage(page).signInWithPassword(user);
  const inspector = new InspectorPage(page);
  await inspector.waitLive();
  return inspector;
}

/** What a REST GET of an entry answers (as another client sees it): its content, or `{ status }`. */
export async function getEntry(
  user: Pick<TestUser, 'homeserver' | 'userId' | 'accessToken'>,
  type: string,
  roomId?: string,
): Promise<unknown> {
  const enc = encodeURIComponent;
  const path = roomId
    ? `/v3/user/${enc(user.userId)}/rooms/${enc(roomId)}/account_data/${enc(type)}`
    : `/v3/user/${enc(user.userId)}/account_data/${enc(type)}`;
  const res = await fetch(`${user.homeserver.baseUrl}/_matrix/client${path}`, {
    headers: { Authorization: `Bearer ${user.accessToken}` },
  });
  return res.status === 200 ? ((await res.json()) as unknown) : { status: res.status };
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
