/**
 * Saves text as a file through the browser's download: a `blob:` URL on a temporary link. Used by
 * every export (history, account data, diagnostic report); the CSP allows it (ADR 016: a download is
 * not a navigation the policy governs).
 */
export function downloadText(text: string, fileName: string, mimeType = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([text], { type: mimeType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // Give the browser a moment to start the download before the URL goes.
  window.setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 10_000);
}
