import { describe, expect, it } from 'vitest';
import { EventHub } from './event-hub.js';

describe('EventHub', () => {
  it('starts every subscriber with the replay, then live events in order', async () => {
    const hub = new EventHub<number>(() => [1, 2]);
    const sub = hub.subscribe();
    hub.publish(3);
    expect([await sub.next(), await sub.next(), await sub.next()]).toEqual([1, 2, 3]);
  });

  it('drops a subscriber that falls a full queue behind, and only that one', async () => {
    const hub = new EventHub<number>(() => [], 4);
    const stuck = hub.subscribe();
    const reader = hub.subscribe();
    const seen: number[] = [];
    for (let i = 0; i < 6; i++) {
      hub.publish(i);
      seen.push((await reader.next())!);
    }
    expect(stuck.isClosed).toBe(true);
    expect(await stuck.next()).toBeUndefined();
    expect(reader.isClosed).toBe(false);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
    expect(hub.subscriberCount).toBe(1);
  });

  it('does not count a long replay against the capacity', async () => {
    const replay = Array.from({ length: 3000 }, (_, i) => i);
    const hub = new EventHub<number>(() => replay, 4);
    const sub = hub.subscribe();
    hub.publish(-1);
    hub.publish(-2);
    expect(sub.isClosed).toBe(false);
    const got: number[] = [];
    for (let i = 0; i < 3002; i++) got.push((await sub.next())!);
    expect(got.slice(-3)).toEqual([2999, -1, -2]);
  });

  it('counts live events queued behind an unread replay', () => {
    const hub = new EventHub<number>(() => [0, 0, 0], 2);
    const sub = hub.subscribe();
    hub.publish(1);
    hub.publish(2);
    expect(sub.isClosed).toBe(false);
    hub.publish(3);
    expect(sub.isClosed).toBe(true);
  });

  it('wakes a waiting reader with undefined when closed', async () => {
    const hub = new EventHub<number>(() => []);
    const sub = hub.subscribe();
    const pending = sub.next();
    hub.closeAll();
    expect(await pending).toBeUndefined();
  });
});
