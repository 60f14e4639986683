/**
 * The output_fields entries of the message being decoded, collected in wire order and
 * handed over as an object whose keys are in name order, whatever order they came in.
 *
 * Falco writes them in the order of its C++ hash map, which differs from one alert to
 * the next; objects built in that order would each take a new V8 hidden class (a
 * transition tree that keeps growing, every store and every later read a slow lookup:
 * a third of a subscriber's time against Falco's server). In name order, the alerts of
 * one rule share one. Entries with the same key keep their wire order (the last one
 * wins, as in fromBinary).
 *
 * Sorting a dozen or two names that share prefixes ("container.", "proc.") took a fifth
 * of the decoding, so the order of each set of names seen is remembered (a "shape"):
 * an alert whose names are a set seen before puts each value straight into its place.
 * Names are recognised by the slot the names cache keeps them in (the decoder passes it
 * with each entry) and checked by identity, so a shape is only ever used for exactly its
 * names; anything else (a new set, a name the cache does not hold, a repeated name) is
 * sorted. Fixed size: a shape slot holds the last set that hashed to it.
 */
export class OutputFieldOrder {
  #keys: string[] = [];
  #values: string[] = [];
  #slots: number[] = [];
  #count = 0;
  /** Order-independent hash of the entries' name slots (-1: a name the cache did not keep). */
  #hash = 0;
  #uncached = false;
  readonly #shapes: (FieldShape | undefined)[];
  readonly #shapeMask: number;
  readonly #nameSlots: number;
  /** The values of a message put in their shape's order (reused). */
  readonly #placed: string[] = [];
  /** Per shape position, the message that filled it (catches a name given twice). */
  #filledBy = new Int32Array(64);
  #message = 0;

  /**
   * @param nameSlots how many slots the names cache has (slot numbers are below it)
   * @param shapeCount how many sets of names are remembered, a power of two
   */
  constructor(nameSlots: number, shapeCount = 128) {
    this.#nameSlots = nameSlots;
    this.#shapes = new Array<FieldShape | undefined>(shapeCount).fill(undefined);
    this.#shapeMask = shapeCount - 1;
  }

  /** Starts the fields of a new message. */
  reset(): void {
    this.#count = 0;
    this.#hash = 0;
    this.#uncached = false;
  }

  /** One entry, in wire order; `slot` is the names cache's slot of `key`, -1 when not kept. */
  add(key: string, value: string, slot: number): void {
    const i = this.#count++;
    this.#keys[i] = key;
    this.#values[i] = value;
    this.#slots[i] = slot;
    if (slot < 0) this.#uncached = true;
    this.#hash = (this.#hash + Math.imul(slot + 1, 0x9e3779b1)) | 0;
  }

  /** The entries added since `reset()`, as an object with its keys in name order. */
  build(): Record<string, string> {
    const count = this.#count;
    if (count === 0) return {};
    if (this.#uncached) return this.#sorted(false);
    const hash = this.#hash;
    const shapes = this.#shapes;
    let shape = shapes[this.#first(hash)];
    if (shape === undefined || shape.hash !== hash) shape = shapes[this.#second(hash)];
    if (shape === undefined || shape.hash !== hash || shape.keys.length !== count) {
      return this.#sorted(true);
    }
    const keys = this.#keys;
    const values = this.#values;
    const slots = this.#slots;
    const placed = this.#placed;
    const filledBy = this.#filledBy;
    const message = ++this.#message;
    const shapeKeys = shape.keys;
    const positions = shape.positions;
    for (let i = 0; i < count; i++) {
      let at = positions[slots[i] as number] as number;
      if (at === SHARED) at = shapeKeys.indexOf(keys[i] as string);
      if (at < 0 || shapeKeys[at] !== keys[i] || filledBy[at] === message) {
        return this.#sorted(false);
      }
      filledBy[at] = message;
      placed[at] = values[i] as string;
    }
    const fields: Record<string, string> = {};
    for (let i = 0; i < count; i++) fields[shapeKeys[i] as string] = placed[i] as string;
    return fields;
  }

  /** Sorts the entries (stable insertion sort); remembers their shape when `remember`. */
  #sorted(remember: boolean): Record<string, string> {
    const keys = this.#keys;
    const values = this.#values;
    const slots = this.#slots;
    const count = this.#count;
    for (let i = 1; i < count; i++) {
      const key = keys[i] as string;
      if ((keys[i - 1] as string) <= key) continue;
      const value = values[i] as string;
      const slot = slots[i] as number;
      let j = i - 1;
      while (j >= 0 && (keys[j] as string) > key) {
        keys[j + 1] = keys[j] as string;
        values[j + 1] = values[j] as string;
        slots[j + 1] = slots[j] as number;
        j--;
      }
      keys[j + 1] = key;
      values[j + 1] = value;
      slots[j + 1] = slot;
    }
    const fields: Record<string, string> = {};
    let distinct = true;
    for (let i = 0; i < count; i++) {
      const key = keys[i] as string;
      if (i > 0 && keys[i - 1] === key) distinct = false;
      fields[key] = values[i] as string;
    }
    if (remember && distinct && count <= MAX_SHAPE_SIZE)
      this.#remember(keys.slice(0, count), slots);
    return fields;
  }

  #first(hash: number): number {
    return (hash ^ (hash >>> 15)) & this.#shapeMask;
  }

  #second(hash: number): number {
    return (Math.imul(hash, 0x85ebca6b) >>> 16) & this.#shapeMask;
  }

  #remember(keys: string[], slots: number[]): void {
    const positions = new Int16Array(this.#nameSlots).fill(ABSENT);
    for (let i = 0; i < keys.length; i++) {
      const slot = slots[i] as number;
      // Two names of the set in one slot (the cache holds one of them): found by a search.
      positions[slot] = positions[slot] === ABSENT ? i : SHARED;
    }
    const hash = this.#hash;
    // Two places a shape may take: a set of names rarely evicts another one in use.
    const first = this.#first(hash);
    const at = this.#shapes[first] === undefined ? first : this.#second(hash);
    this.#shapes[at] = { hash, keys, positions };
    if (this.#filledBy.length < keys.length) this.#filledBy = new Int32Array(keys.length * 2);
  }
}

/** `FieldShape.positions`: no name of the set in this slot, or more than one. */
const ABSENT = -1;
const SHARED = -2;

/** Places are Int16: larger sets (never seen from Falco) are sorted each time. */
const MAX_SHAPE_SIZE = 0x7fff;

/** A set of output field names: their name order, and each one's place by cache slot. */
interface FieldShape {
  readonly hash: number;
  /** The names in name order. */
  readonly keys: readonly string[];
  /** By names-cache slot, the name's place in `keys` (ABSENT, or SHARED by several names). */
  readonly positions: Int16Array;
}
