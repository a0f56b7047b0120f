import { describe, expect, it } from 'vitest';
import { checkText, findCitations, headingNumbers, type DocIndex } from './check-doc-refs';

// Built from pieces so that the scan of scripts/ does not see citations in this file.
const cite = (section: string) => ['docs/protocol.md', `§${section}`].join(' ');
const legacy = (section: string) => ['PROTOCOL', `§${section}`].join(' ');
const architecture = ['docs', 'architecture.md'].join('/');

const protocol = [
  '# Protocol notes',
  '## 0. Conventions',
  '### 0.1 At a glance',
  '## 4. Sliding sync',
  '### 4.5 Errors and recovery',
  '```md',
  '## 7. Inside a code block',
  '```',
].join('\n');

const docs: DocIndex = {
  sections: headingNumbers(protocol),
  fileExists: (file) => file === 'docs/protocol.md' || file === 'docs/decisions/003-cycle-check.md',
};

describe('headingNumbers', () => {
  it('collects the numbers of numbered headings outside code fences', () => {
    expect([...headingNumbers(protocol)].sort()).toEqual(['0', '0.1', '4', '4.5']);
  });
});

describe('findCitations', () => {
  it('finds section citations, chained follow-ups, doc paths and the retired form', () => {
    const text = [
      `// (${cite('4')}, ${cite('4.5')}).`,
      `/* ${cite('0')}, §4.5 and ${cite('4.1')}–§4.6 */`,
      '// see docs/decisions/003-cycle-check.md.',
      `// ${legacy('2')}: old`,
    ].join('\n');
    expect(findCitations(text)).toEqual([
      { kind: 'section', line: 1, section: '4' },
      { kind: 'section', line: 1, section: '4.5' },
      { kind: 'file', line: 1, file: 'docs/protocol.md' },
      { kind: 'file', line: 1, file: 'docs/protocol.md' },
      { kind: 'section', line: 2, section: '0' },
      { kind: 'section', line: 2, section: '4.5' },
      { kind: 'section', line: 2, section: '4.1' },
      { kind: 'section', line: 2, section: '4.6' },
      { kind: 'file', line: 2, file: 'docs/protocol.md' },
      { kind: 'file', line: 2, file: 'docs/protocol.md' },
      { kind: 'file', line: 3, file: 'docs/decisions/003-cycle-check.md' },
      { kind: 'legacy', line: 4, text: legacy('2') },
    ]);
  });

  it('does not take a bare § for a citation', () => {
    expect(findCitations('// spec §3.1 and (§4)')).toEqual([]);
  });
});

describe('checkText', () => {
  it('accepts citations that resolve', () => {
    expect(checkText('a.ts', `// ${cite('4.5')}; docs/decisions/003-cycle-check.md`, docs)).toEqual([]);
  });

  it('reports missing sections, missing files and the retired form with file:line', () => {
    const text = ['ok', `// ${cite('4.6')}`, `// ${architecture}`, `// ${legacy('1.4')}`].join('\n');
    expect(checkText('src/x.ts', text, docs)).toEqual([
      { file: 'src/x.ts', line: 2, message: 'docs/protocol.md has no section §4.6' },
      { file: 'src/x.ts', line: 3, message: `${architecture} does not exist` },
      {
        file: 'src/x.ts',
        line: 4,
        message: expect.stringContaining('cites a file that is not in the repository') as string,
      },
    ]);
  });
});
