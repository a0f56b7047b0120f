/**
 * Catches the files a component test makes the page download (`src/lib/download.ts`: a `blob:` URL
 * on a clicked link). Call `captureDownloads()` once at the top of a test file; read the returned
 * list in a test — it is emptied before each test.
 */
import { beforeEach, vi } from 'vitest';

export type CapturedDownload = { name: string; blob: Blob };

// jsdom's Blob has no text() (every browser has); read it the old way.
if (typeof Blob.prototype.text !== 'function') {
  Blob.prototype.text = function (this: Blob) {
    return new Promise<string>((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => {
        resolve(reader.result as string);
      };
      reader.onerror = () => {
        reject(reader.error ?? new Error('unreadable'));
      };
      reader.readAsText(this);
    });
  };
}

export function captureDownloads(): CapturedDownload[] {
  const downloads: CapturedDownload[] = [];
  beforeEach(() => {
    downloads.length = 0;
    let n = 0;
    const blobs = new Map<string, Blob>();
    URL.createObjectURL = (blob: Blob | MediaSource) => {
      const url = `blob:test/${String((n += 1))}`;
      blobs.set(url, blob as Blob);
      return url;
    };
    URL.revokeObjectURL = () => undefined;
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      const blob = blobs.get(this.href);
      if (blob) downloads.push({ name: this.download, blob });
    });
  });
  return downloads;
}
