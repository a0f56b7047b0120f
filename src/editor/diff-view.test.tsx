// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import type { ComponentType } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLazyDiffView } from './diff-view';
import type { DiffViewProps } from './diff-view-types';
import { TextDiffView } from './text-diff-view';

afterEach(cleanup);

const props: DiffViewProps = {
  original: '{\n  "a": 1,\n  "b": 2\n}',
  modified: '{\n  "a": 1,\n  "b": 3\n}',
  ariaLabel: 'Changes to m.direct',
};

describe('TextDiffView', () => {
  it('shows a labelled unified diff that does not rely on colour', () => {
    const { container } = render(<TextDiffView {...props} />);
    const region = screen.getByRole('region', { name: 'Changes to m.direct' });
    expect(within(region).getByText(/Server version/)).toBeDefined();
    expect(within(region).getByText(/Your draft/)).toBeDefined();
    expect(within(region).getByText('(1 line removed, 1 added)')).toBeDefined();
    expect([...container.querySelectorAll('del')].map((n) => n.textContent)).toEqual(['-   "b": 2\n']);
    expect([...container.querySelectorAll('ins')].map((n) => n.textContent)).toEqual(['+   "b": 3\n']);
    expect(screen.getByLabelText('Changes to m.direct, unified diff').textContent).toBe(
      '  {\n    "a": 1,\n-   "b": 2\n+   "b": 3\n  }\n',
    );
  });

  it('says when there is nothing to save', () => {
    render(<TextDiffView {...props} modified={props.original} originalLabel="Theirs" modifiedLabel="Mine" />);
    expect(screen.getByText('(no changes)')).toBeDefined();
    expect(screen.getByText(/Theirs/)).toBeDefined();
  });
});

describe('lazy DiffView', () => {
  it('falls back to the text diff when Monaco fails to load', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const DiffView = createLazyDiffView(() => Promise.reject(new Error('chunk failed')));
    render(<DiffView {...props} />);
    expect(screen.getByRole('status').textContent).toBe('Loading diff…');
    expect(await screen.findByLabelText('Changes to m.direct, unified diff')).toBeDefined();
  });

  it('renders the loaded implementation', async () => {
    const Loaded: ComponentType<DiffViewProps> = ({ ariaLabel }) => <p>loaded {ariaLabel}</p>;
    const DiffView = createLazyDiffView(() => Promise.resolve({ default: Loaded }));
    render(<DiffView {...props} />);
    expect(await screen.findByText('loaded Changes to m.direct')).toBeDefined();
  });
});
