// The reader's addresses: #/courses/<id>/read, #/courses/<id>/read/<module>, and
// #/courses/<id>/read/<module>/<place> for a section ("s3") or the key points ("key-points"); a
// learner reads a course assigned to them at the same places under #/learn/<id>/read.

export const READER_ROUTE = /^#\/courses\/([A-Za-z0-9_-]{1,64})\/read(?:\/(\d{1,4})(?:\/([a-z0-9-]{1,40}))?)?\/?$/;
export const LEARN_READER_ROUTE = /^#\/learn\/([A-Za-z0-9_-]{1,64})(?:\/read(?:\/(\d{1,4})(?:\/([a-z0-9-]{1,40}))?)?)?\/?$/;

function parsed(match, learner) {
  if (!match) return null;
  return {courseId: match[1], position: match[2] ? Number(match[2]) : 1, place: match[3] || null, learner};
}

/** {courseId, position, place, learner} for a reader hash, or null. Position is 1-based; 1 when absent. */
export function parseReaderHash(hash) {
  return parsed(READER_ROUTE.exec(hash), false) || parsed(LEARN_READER_ROUTE.exec(hash), true);
}

function href(base, position, place) {
  if (!position) return base;
  return place ? `${base}/${position}/${place}` : `${base}/${position}`;
}

/** The author's reader of `courseId` (GET /api/courses/<id>/generated-course). */
export function readerHref(courseId, position, place) {
  return href(`#/courses/${courseId}/read`, position, place);
}

/** The learner's reader of `courseId` (GET /api/learn/courses/<id>): the modules released to them. */
export function learnHref(courseId, position, place) {
  return href(`#/learn/${courseId}/read`, position, place);
}

/** The place of a module's section `index` (0-based) in the reader's addresses and element ids. */
export function sectionPlace(index) {
  return `s${index + 1}`;
}
