// Replica division by the Webster (Sainte-Laguë) highest-averages method, as Karmada divides
// replicas by static or dynamic weights and Job completions by the replica result: each next
// replica goes to the cluster with the largest weight / (2 × replicas so far + 1).
// Equal averages go to the cluster holding fewer replicas (so small clusters get their first
// replica early), then by name — ascending or descending as the parity of the FNV-32a hash of the
// binding's resource uid says, so that across many bindings no cluster name is always favoured.

export interface Weight {
  name: string;
  weight: number;
}

export interface Share {
  name: string;
  replicas: number;
}

const encoder = new TextEncoder();

/** FNV-1a, 32 bits, over the UTF-8 bytes of the text (Go's hash/fnv New32a). */
export function fnv32a(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of encoder.encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Whether name ties go to the later name (odd hash) rather than the earlier one. */
export function tieBreakDescending(uid: string | undefined): boolean {
  return uid !== undefined && uid !== '' && fnv32a(uid) % 2 === 1;
}

interface Party {
  name: string;
  votes: number;
  seats: number;
}

// The averages are compared as Go compares them, as float64 quotients, so equal weights tie
// exactly where Karmada's do.
function precedes(a: Party, b: Party, descending: boolean): boolean {
  const pa = a.votes / (2 * a.seats + 1);
  const pb = b.votes / (2 * b.seats + 1);
  if (pa !== pb) return pa > pb;
  if (a.seats !== b.seats) return a.seats < b.seats;
  return descending ? a.name > b.name : a.name < b.name;
}

class WebsterQueue {
  private readonly heap: Party[];

  constructor(
    parties: Party[],
    private readonly descending: boolean,
  ) {
    this.heap = [...parties];
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  /** Gives one seat to the party with the highest average. */
  award(): void {
    const top = this.heap[0]!;
    top.seats++;
    this.down(0);
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < h.length && precedes(h[l]!, h[best]!, this.descending)) best = l;
      if (r < h.length && precedes(h[r]!, h[best]!, this.descending)) best = r;
      if (best === i) return;
      [h[i], h[best]] = [h[best]!, h[i]!];
      i = best;
    }
  }
}

// Seats every quotient strictly above `divisor` would win. Those quotients are handed out before
// any smaller or equal one whatever the tie rules, so this state is one the seat-by-seat method
// passes through, and the queue can carry on from it instead of from zero.
function seatsAbove(votes: number, divisor: number): number {
  if (votes <= 0) return 0;
  let s = Math.max(0, Math.ceil((votes / divisor - 1) / 2));
  while (s > 0 && votes / (2 * (s - 1) + 1) <= divisor) s--;
  while (votes / (2 * s + 1) > divisor) s++;
  return s;
}

/**
 * Divides `total` replicas by weight with Webster's method. Every name appears once in the
 * result, sorted by name; duplicate names have their weights added. A weight of 0 wins replicas
 * only when every weight is 0. `tieBreakUid` is the binding's resource uid.
 */
export function divideByWeights(total: number, weights: Array<{ name: string; weight: number }>, tieBreakUid?: string): Array<{ name: string; replicas: number }> {
  const byName = new Map<string, Party>();
  for (const w of weights) {
    const votes = Number.isFinite(w.weight) && w.weight > 0 ? w.weight : 0;
    const p = byName.get(w.name);
    if (p) p.votes += votes;
    else byName.set(w.name, { name: w.name, votes, seats: 0 });
  }
  const parties = [...byName.values()];
  let remaining = Math.max(0, Math.floor(total));
  if (parties.length > 0 && remaining > 0) {
    const votes = parties.reduce((s, p) => s + p.votes, 0);
    // With many more replicas than clusters, start from a state the method is known to reach.
    if (votes > 0 && remaining > 2 * parties.length) {
      const divisor = votes / (2 * (remaining - parties.length));
      for (const p of parties) p.seats = seatsAbove(p.votes, divisor);
      const seated = parties.reduce((s, p) => s + p.seats, 0);
      if (seated <= remaining) remaining -= seated;
      else for (const p of parties) p.seats = 0;
    }
    const queue = new WebsterQueue(parties, tieBreakDescending(tieBreakUid));
    for (; remaining > 0; remaining--) queue.award();
  }
  return parties
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((p) => ({ name: p.name, replicas: p.seats }));
}
