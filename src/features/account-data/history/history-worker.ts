/**
 * The history worker: stores what the page's history queue holds, off the page's thread
 * (`history-writer.ts` explains why). One per page, shared by every account's store.
 */
import { serveWriters, type WorkerReply, type WorkerRequest } from './history-writer.ts';

/** The parts of a dedicated worker's global scope used here (the DOM lib types `self` as a window). */
type WorkerScope = {
  postMessage(message: WorkerReply): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<WorkerRequest>) => void): void;
};

const scope = self as unknown as WorkerScope;
const serve = serveWriters((reply) => {
  scope.postMessage(reply);
});
scope.addEventListener('message', (event) => {
  void serve(event.data);
});
