/**
 * Episodes of an active event: devices repeat an active event about once a second while it lasts,
 * and many never send `inactive`. Per key (device + channel + event type) the first `active` starts
 * an episode, the repeats within the window only extend it, and the episode ends when no repeat
 * came for a whole window (the owner then sends a synthetic `inactive`) or a real `inactive` came.
 *
 * One timer per open episode, not re-armed on every repeat: each repeat moves a deadline, and the
 * timer, when it fires early, sleeps again until that deadline.
 */
import { BoundedMap } from './bounded-map';
import type { Scheduler, TimerHandle } from './scheduler';

interface Episode<M> {
  last: M;
  deadline: number;
  timer: TimerHandle | null;
}

export interface RepeatCollapserOptions<M> {
  windowMs: number;
  maxKeys: number;
  scheduler: Scheduler;
  /** An episode ended without a real `inactive`: by its window running out, or evicted for space. */
  onEpisodeEnd: (last: M) => void;
}

export class RepeatCollapser<M> {
  private readonly episodes: BoundedMap<string, Episode<M>>;

  constructor(private readonly options: RepeatCollapserOptions<M>) {
    // The episode idle longest makes room: it ends now, so every start still gets its end.
    this.episodes = new BoundedMap(options.maxKeys, (_key, episode) => {
      this.cancel(episode);
      options.onEpisodeEnd(episode.last);
    });
  }

  get openEpisodes(): number {
    return this.episodes.size;
  }

  /** An `active` report: 'start' when it opens an episode (pass it on), 'repeat' when one is open. */
  active(key: string, last: M): 'start' | 'repeat' {
    const deadline = this.options.scheduler.now() + this.options.windowMs;
    const open = this.episodes.get(key);
    if (open) {
      open.last = last;
      open.deadline = deadline;
      this.episodes.set(key, open); // now the newest: eviction takes the one idle longest
      return 'repeat';
    }
    const episode: Episode<M> = { last, deadline, timer: null };
    this.episodes.set(key, episode);
    this.arm(key, episode, this.options.windowMs);
    return 'start';
  }

  /** A real `inactive`: ends the open episode without a synthetic one. True when one was open. */
  inactive(key: string): boolean {
    const open = this.episodes.get(key);
    if (!open) return false;
    this.cancel(open);
    this.episodes.delete(key);
    return true;
  }

  /** Forgets every episode and cancels every timer; nothing is sent. */
  close(): void {
    for (const episode of this.episodes.values()) this.cancel(episode);
    this.episodes.clear();
  }

  private arm(key: string, episode: Episode<M>, ms: number): void {
    episode.timer = this.options.scheduler.setTimer(() => {
      this.expire(key, episode);
    }, ms);
  }

  private cancel(episode: Episode<M>): void {
    if (episode.timer !== null) this.options.scheduler.clearTimer(episode.timer);
    episode.timer = null;
  }

  private expire(key: string, episode: Episode<M>): void {
    episode.timer = null;
    if (this.episodes.get(key) !== episode) return;
    const remaining = episode.deadline - this.options.scheduler.now();
    if (remaining > 0) {
      this.arm(key, episode, remaining);
      return;
    }
    this.episodes.delete(key);
    this.options.onEpisodeEnd(episode.last);
  }
}
