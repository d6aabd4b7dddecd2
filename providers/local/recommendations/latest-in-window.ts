/**
 * The latest timestamp among the events of one user-item pair that the window still holds, kept exact as the oldest
 * events are forgotten. Events mostly arrive in time order, and then the answer is simply the newest event's: nothing
 * is stored. Only when an older event arrives after a newer one does the pair keep a queue of (arrival, time) with
 * times decreasing from the front — the sliding-window maximum — so that forgetting the newer event restores the
 * right time. Each event enters and leaves the queue once.
 */
export interface LatestInWindow {
  /** The latest timestamp among the pair's events in the window. */
  last: number;
  /** Events ever added to the pair, and ever forgotten: their arrival numbers. */
  added: number;
  removed: number;
  /** Flat (arrival, time) pairs, front first from `head`; absent while the newest event is also the latest. */
  queue?: number[] | undefined;
  head?: number;
}

export function startLatest(at: number): LatestInWindow {
  return { last: at, added: 1, removed: 0 };
}

export function noteEvent(p: LatestInWindow, at: number): void {
  const arrival = p.added++;
  if (!p.queue) {
    if (at >= p.last) {
      p.last = at;
      return;
    }
    // The newest event so far is the front; this older one waits behind it.
    p.queue = [arrival - 1, p.last];
    p.head = 0;
  }
  const queue = p.queue;
  while (queue.length > p.head! && queue[queue.length - 1]! <= at) queue.length -= 2;
  queue.push(arrival, at);
  settle(p);
}

/** The pair's oldest event in the window is forgotten. */
export function forgetEvent(p: LatestInWindow): void {
  const arrival = p.removed++;
  if (!p.queue) return;
  if (p.queue[p.head!] === arrival) p.head! += 2;
  settle(p);
}

function settle(p: LatestInWindow): void {
  const queue = p.queue!;
  const head = p.head!;
  if (head >= queue.length) {
    p.queue = undefined;
    return;
  }
  p.last = queue[head + 1]!;
  // One entry left, the newest event: back to storing nothing.
  if (queue.length - head === 2 && queue[head] === p.added - 1) p.queue = undefined;
  else if (head >= 64 && head * 2 >= queue.length) {
    p.queue = queue.slice(head);
    p.head = 0;
  }
}
