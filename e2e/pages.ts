/**
 * Page objects for the inspector, using role locators only (the same names a screen reader hears).
 */
import { expect, type Locator, type Page } from '@playwright/test';
import type { TestUser } from '../test-support/synapse.ts';
import { IDP_PASSWORD, idpIssuer } from '../test-support/idp/index.ts';

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

  /** An identity provider's button in the "Single sign-on" group (legacy `m.login.sso`). */
  ssoButton(idpName: string): Locator {
    return this.page
      .getByRole('group', { name: 'Single sign-on' })
      .getByRole('button', { name: `Continue with ${idpName}`, exact: true });
  }

  /** The OAuth 2.0 button, named for the issuer's host (`Continue with 127.0.0.1:8010`). */
  oauthButton(issuerHost: string): Locator {
    return this.page.getByRole('button', { name: `Continue with ${issuerHost}`, exact: true });
  }
}

/** The test identity provider's own pages (test-support/idp/server.ts): its login form and consent. */
export class IdpPage {
  constructor(readonly page: Page) {}

  get form(): Locator {
    return this.page.getByRole('form', { name: 'Sign in', exact: true });
  }

  /** Waits until the browser is at the provider's interaction pages (`/interaction/<uid>`). */
  async waitForProvider(): Promise<void> {
    await expect(this.page).toHaveURL(new RegExp(`^${escapeRegExp(idpIssuer())}/interaction/`), {
      timeout: 30_000,
    });
  }

  /** Fills the provider's login form (any username; the password must be `idp-password`). */
  async signIn(username: string, password = IDP_PASSWORD): Promise<void> {
    await this.waitForProvider();
    await expect(this.form).toBeVisible();
    await this.form.getByLabel('Username').fill(username);
    await this.form.getByLabel('Password').fill(password);
    await this.form.getByRole('button', { name: 'Sign in' }).click();
  }

  /** The consent screen dynamically registered clients see. */
  async allow(): Promise<void> {
    await this.page.getByRole('button', { name: 'Allow', exact: true }).click();
  }

  async deny(): Promise<void> {
    await this.page.getByRole('button', { name: 'Deny', exact: true }).click();
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

  /**
   * The tree's rendered rows in display order: row ID, `aria-level`, label (the row's primary text,
   * which starts its accessible name) and the whole accessible text. The tree is a flat, virtualised
   * list of treeitems (components/tree-view.tsx), so parenthood is read from the levels.
   */
  async rows(): Promise<TreeRowInfo[]> {
    const rows = await this.tree.getByRole('treeitem').evaluateAll((elements) =>
      elements.map((el) => ({
        id: el.getAttribute('data-id') ?? '',
        level: Number(el.getAttribute('aria-level')),
        label: el.querySelector('.tree-row__label')?.textContent ?? '',
        text: el.textContent,
        top: el.getBoundingClientRect().top,
      })),
    );
    return rows
      .sort((a, b) => a.top - b.top)
      .map(({ id, level, label, text }) => ({ id, level, label, text }));
  }

  /** Labels of the direct children of the (expanded) row whose label is `parent`. */
  async childLabels(parent: string): Promise<string[]> {
    const rows = await this.rows();
    const index = rows.findIndex((r) => r.label === parent);
    const parentRow = rows[index];
    if (!parentRow) return [];
    const children: string[] = [];
    for (const row of rows.slice(index + 1)) {
      if (row.level <= parentRow.level) break;
      if (row.level === parentRow.level + 1) children.push(row.label);
    }
    return children;
  }

  /**
   * The row labelled `child` among the direct children of the row labelled `parent`: the same entry
   * can sit in two places (under Global and under its device), and only its parent tells them apart.
   */
  async itemUnder(parent: string, child: string): Promise<Locator> {
    let id: string | undefined;
    await expect
      .poll(
        async () => {
          const rows = await this.rows();
          const index = rows.findIndex((r) => r.label === parent);
          const parentRow = rows[index];
          id = undefined;
          if (!parentRow) return false;
          for (const row of rows.slice(index + 1)) {
            if (row.level <= parentRow.level) break;
            if (row.level === parentRow.level + 1 && row.label === child) id = row.id;
          }
          return id !== undefined;
        },
        { message: `a row "${child}" under "${parent}"` },
      )
      .toBe(true);
    return this.tree.getByRole('treeitem').and(this.page.locator(`[data-id="${cssString(id ?? '')}"]`));
  }

  /** Selects the row labelled `child` under `parent` and waits for its entry's editor heading. */
  async openUnder(parent: string, child: string): Promise<void> {
    await (await this.itemUnder(parent, child)).click();
    await expect(this.page.getByRole('heading', { name: child, level: 2 })).toBeVisible();
  }
}

/** One rendered row of the tree, see {@link InspectorPage.rows}. */
export type TreeRowInfo = { id: string; level: number; label: string; text: string };

/** Escapes a value for a double-quoted CSS attribute selector. */
function cssString(value: string): string {
  return value.replace(/["\\]/g, '\\$&');
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
