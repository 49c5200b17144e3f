/** An item of a `DeadlineHeap`: it stores its own key and position, so removal needs no search. */
export interface HeapItem {
  heapKey: number;
  /** -1 when not in a heap. */
  heapIndex: number;
}

/** A binary min-heap on `heapKey` with O(log n) insert, remove and decrease-key. */
export class DeadlineHeap<T extends HeapItem> {
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  /** Inserts `item` with `key`, or moves it if already in the heap. */
  set(item: T, key: number): void {
    if (item.heapIndex < 0) {
      item.heapKey = key;
      item.heapIndex = this.items.length;
      this.items.push(item);
      this.up(item.heapIndex);
      return;
    }
    const old = item.heapKey;
    item.heapKey = key;
    if (key < old) this.up(item.heapIndex);
    else if (key > old) this.down(item.heapIndex);
  }

  remove(item: T): void {
    const index = item.heapIndex;
    if (index < 0) return;
    item.heapIndex = -1;
    const last = this.items.pop()!;
    if (last === item) return;
    this.items[index] = last;
    last.heapIndex = index;
    this.up(index);
    this.down(last.heapIndex);
  }

  pop(): T | undefined {
    const top = this.items[0];
    if (top !== undefined) this.remove(top);
    return top;
  }

  private up(index: number): void {
    const items = this.items;
    const item = items[index]!;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = items[parentIndex]!;
      if (parent.heapKey <= item.heapKey) break;
      items[index] = parent;
      parent.heapIndex = index;
      index = parentIndex;
    }
    items[index] = item;
    item.heapIndex = index;
  }

  private down(index: number): void {
    const items = this.items;
    const length = items.length;
    const item = items[index]!;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      const child = right < length && items[right]!.heapKey < items[left]!.heapKey ? right : left;
      const smaller = items[child]!;
      if (smaller.heapKey >= item.heapKey) break;
      items[index] = smaller;
      smaller.heapIndex = index;
      index = child;
    }
    items[index] = item;
    item.heapIndex = index;
  }
}
