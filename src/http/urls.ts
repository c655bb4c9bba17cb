import type { Hit, SearchResult } from '../search/search-service.js';

/** Where the browser fetches an image's thumbnail and original. */
export function imageUrls(id: number): { thumbUrl: string; fileUrl: string } {
  return { thumbUrl: `/api/images/${id}/thumb`, fileUrl: `/api/images/${id}/file` };
}

/** A search result as the API sends it: every hit with its URLs. */
export function searchBody(r: SearchResult, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...extra,
    results: r.results.map((h: Hit) => ({ id: h.id, score: h.score, label: h.label, cluster: h.cluster, path: h.path, ...imageUrls(h.id) })),
    map: r.map,
  };
}
