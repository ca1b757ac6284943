import { type CovalentClient, type ListStatusFilter, LIST_STATUS_FILTERS } from '../covalent/client';
import { messageOf } from '../util/errors';
import type { DispatchStore } from '../store/dispatchStore';
import type { ListFilter } from '../store/types';

/**
 * The Dispatches tree's pages of the server's list: the first pages reloaded while
 * the tree is visible (new dispatches made anywhere show up), more on request,
 * filtered and paged by the server. No `vscode` here.
 */
export interface ListingSettings {
  /** Page size of the tree (the server's list allows at most 99). */
  readonly pageSize?: number;
  /** How often the visible tree's first page is reloaded. */
  readonly listRefreshMs?: number;
}

/** What the listing needs from the poller that drives it. */
export interface ListingHost {
  readonly store: DispatchStore;
  client(): CovalentClient;
  settings(): ListingSettings;
  /** The server answered: the connection is online. */
  answered(): void;
  failed(error: unknown): void;
}

export class DispatchListingPager {
  private wanted = false;
  private pages = 1;
  /** Server rows the listing has covered (more than its ids when sublattice dispatches were skipped). */
  private offset = 0;

  constructor(private readonly host: ListingHost) {}

  private get store(): DispatchStore {
    return this.host.store;
  }

  get pageSize(): number {
    return Math.min(99, this.host.settings().pageSize ?? 50);
  }

  /** The next reload happens at the next tick, stale or not. */
  want(): void {
    this.wanted = true;
  }

  /** Due a reload: the tree is visible and the listing was asked for or is older than the refresh interval. */
  stale(treeVisible: boolean): boolean {
    if (!treeVisible) return false;
    if (this.wanted) return true;
    const loadedAt = this.store.listing.loadedAt ?? 0;
    return Date.now() - loadedAt >= (this.host.settings().listRefreshMs ?? 1500);
  }

  /** A new filter: the server filters and pages from the start. */
  setFilter(filter: ListFilter): void {
    this.pages = 1;
    this.offset = 0;
    this.store.setListing({ dispatchIds: [], hasMore: false, filter });
    this.wanted = true;
  }

  /** Another server: its list starts from nothing, with the same filter. */
  reset(): void {
    this.store.setListing({ dispatchIds: [], hasMore: false, filter: this.store.listing.filter });
    this.offset = 0;
    this.pages = 1;
    this.wanted = true;
  }

  /** The tree's pages from the server's list, reloaded; throws what the server did wrong. */
  async reload(): Promise<void> {
    const listing = this.store.listing;
    const count = Math.min(99, this.pageSize * this.pages);
    this.wanted = false;
    const client = this.host.client();
    const page = await client.list({ offset: 0, count, ...serverFilter(listing.filter) });
    // Another server became active meanwhile: this page is not its list.
    if (client.address !== this.host.client().address) return;
    this.store.updateAll(page.dispatches);
    // New dispatches push older ones down: the next page starts after what we hold.
    const held = new Set(listing.dispatchIds);
    const newOnes = page.dispatches.filter((dispatch) => !held.has(dispatch.dispatchId)).length;
    this.offset = page.hasMore ? Math.max(page.scanned, this.offset + newOnes) : page.scanned;
    // Rows the tree paged through past this window stay: they follow the last row the
    // window still shows (new dispatches on top push the window down, deleted ones leave it).
    const fresh = page.dispatches.map((dispatch) => dispatch.dispatchId);
    const freshSet = new Set(fresh);
    let windowEnd = -1;
    listing.dispatchIds.forEach((id, index) => {
      if (freshSet.has(id)) windowEnd = index;
    });
    // When this window is the whole list, nothing else is left on the server.
    const older = page.hasMore ? listing.dispatchIds.slice(windowEnd + 1).filter((id) => !freshSet.has(id)) : [];
    this.store.setListing({
      dispatchIds: [...fresh, ...older],
      total: page.total,
      hasMore: older.length > 0 ? listing.hasMore : page.hasMore,
      filter: listing.filter,
      loadedAt: Date.now(),
      error: undefined,
    });
  }

  /** The tree's "Load more…": one more page of the server's list. */
  async loadMore(): Promise<void> {
    const listing = this.store.listing;
    const pageSize = this.pageSize;
    try {
      const client = this.host.client();
      const page = await client.list({ offset: Math.max(this.offset, listing.dispatchIds.length), count: pageSize, ...serverFilter(listing.filter) });
      if (client.address !== this.host.client().address) return;
      this.host.answered();
      this.offset = Math.max(this.offset, listing.dispatchIds.length) + page.scanned;
      this.store.updateAll(page.dispatches);
      const known = new Set(listing.dispatchIds);
      const added = page.dispatches.map((dispatch) => dispatch.dispatchId).filter((id) => !known.has(id));
      this.pages = Math.max(1, Math.ceil(this.offset / pageSize));
      this.store.setListing({ ...listing, dispatchIds: [...listing.dispatchIds, ...added], total: page.total, hasMore: page.hasMore, loadedAt: Date.now(), error: undefined });
    } catch (error) {
      this.host.failed(error);
      this.store.setListing({ ...this.store.listing, error: messageOf(error) });
    }
  }
}

function serverFilter(filter: ListFilter): { search?: string; status?: ListStatusFilter } {
  const status = filter.status && (LIST_STATUS_FILTERS as readonly string[]).includes(filter.status) ? (filter.status as ListStatusFilter) : undefined;
  return { search: filter.search, status };
}
