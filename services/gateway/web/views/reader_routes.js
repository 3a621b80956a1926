// The reader's addresses: #/courses/<id>/read, #/courses/<id>/read/<module>, and
// #/courses/<id>/read/<module>/<place> for a section ("s3") or the key points ("key-points").

export const READER_ROUTE = /^#\/courses\/([A-Za-z0-9_-]{1,64})\/read(?:\/(\d{1,4})(?:\/([a-z0-9-]{1,40}))?)?\/?$/;

/** {courseId, position, place} for a reader hash, or null. Position is 1-based; 1 when absent. */
export function parseReaderHash(hash) {
  const match = READER_ROUTE.exec(hash);
  if (!match) return null;
  return {courseId: match[1], position: match[2] ? Number(match[2]) : 1, place: match[3] || null};
}

export function readerHref(courseId, position, place) {
  const base = `#/courses/${courseId}/read`;
  if (!position) return base;
  return place ? `${base}/${position}/${place}` : `${base}/${position}`;
}

/** The place of a module's section `index` (0-based) in the reader's addresses and element ids. */
export function sectionPlace(index) {
  return `s${index + 1}`;
}
