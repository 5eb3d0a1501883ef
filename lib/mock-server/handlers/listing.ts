// One page of a key listing with prefix / delimiter roll-up (CommonPrefixes), shared by
// ListMultipartUploads and ListObjects. A rolled-up prefix counts as one entry, and a page
// that ends on one resumes after every key under it.

export interface ListingPage<T> {
  items: T[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** The last entry of the page: an item, or a common prefix. */
  last: { item: T } | { prefix: string } | undefined;
}

export interface ListingOptions<T> {
  prefix: string;
  delimiter: string;
  maxEntries: number;
  keyOf: (item: T) => string;
  /** Whether an item comes after the request's marker. */
  itemAfterMarker: (item: T) => boolean;
  /** Whether a common prefix, reached through `item` (one of the keys it rolls up), comes after the request's marker. */
  prefixAfterMarker: (prefix: string, item: T) => boolean;
}

/** `sorted` must be in listing order (by key). */
export function listPage<T>(sorted: readonly T[], options: ListingOptions<T>): ListingPage<T> {
  const page: ListingPage<T> = { items: [], commonPrefixes: [], isTruncated: false, last: undefined };
  let entries = 0;
  for (const item of sorted) {
    const key = options.keyOf(item);
    if (!key.startsWith(options.prefix)) continue;
    const cut = options.delimiter ? key.indexOf(options.delimiter, options.prefix.length) : -1;
    if (cut >= 0) {
      const prefix = key.slice(0, cut + options.delimiter.length);
      if (page.commonPrefixes.at(-1) === prefix || !options.prefixAfterMarker(prefix, item)) continue;
      if (entries === options.maxEntries) {
        page.isTruncated = true;
        break;
      }
      page.commonPrefixes.push(prefix);
      page.last = { prefix };
    } else {
      if (!options.itemAfterMarker(item)) continue;
      if (entries === options.maxEntries) {
        page.isTruncated = true;
        break;
      }
      page.items.push(item);
      page.last = { item };
    }
    entries++;
  }
  return page;
}

/** Byte order of the UTF-8 encodings, which is how OSS sorts keys. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
