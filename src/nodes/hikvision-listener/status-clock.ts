/** The time shown in the status (HH:MM:SS), formatted once a second rather than for every event. */
export class StatusClock {
  private clockSecond = -1;
  private clockText = '';

  constructor(private readonly now: () => number = Date.now) {}

  text(): string {
    const now = this.now();
    const second = Math.floor(now / 1000);
    if (second !== this.clockSecond) {
      this.clockSecond = second;
      this.clockText = new Date(now).toTimeString().slice(0, 8);
    }
    return this.clockText;
  }
}
