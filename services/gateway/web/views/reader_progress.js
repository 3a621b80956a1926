// A reader's progress through one course: which modules they have read and how they answered each
// quiz question. Kept in this browser's localStorage under the signed-in user and the course: the
// gateway's only state is the course's event log, and an author's own reading is not a course event.
// A learner reading a course assigned to their cohort has a store of the same interface kept by the
// gateway instead (learn_progress.js), which sends it what this one remembers of that course once.
// A module rewritten by a later stage 4 run (another content hash) keeps "read" but not its answers,
// which were about other questions.

const PREFIX = "coursegen.progress";

function empty() {
  return {modules: {}};
}

function parse(text) {
  try {
    const value = JSON.parse(text);
    return value && typeof value === "object" && value.modules && typeof value.modules === "object" ? value : empty();
  } catch {
    return empty();
  }
}

export function progressKey(user, courseId) {
  return `${PREFIX}.${encodeURIComponent(user || "anonymous")}.${courseId}`;
}

/** The progress of `user` in `courseId`; modules are {module_id, content_hash, content}. */
export function progressStore(user, courseId) {
  const key = progressKey(user, courseId);
  const data = parse(localStorage.getItem(key));

  function save() {
    try {
      localStorage.setItem(key, JSON.stringify(data));
    } catch { /* storage full or disabled: the progress lasts as long as the page */ }
  }

  function entry(module) {
    const id = module.module_id;
    const hash = module.content_hash || "";
    let found = data.modules[id];
    if (!found || typeof found !== "object") found = data.modules[id] = {hash, read: false, answers: {}};
    if (found.hash !== hash) Object.assign(found, {hash, answers: {}});
    if (!found.answers || typeof found.answers !== "object") found.answers = {};
    return found;
  }

  return {
    isRead: (module) => Boolean(entry(module).read),
    markRead(module) {
      const found = entry(module);
      if (found.read) return false;
      found.read = true;
      save();
      return true;
    },
    /** {index: {choice, correct}} of the module's answered questions. */
    answers: (module) => ({...entry(module).answers}),
    answer(module, index, record) {
      entry(module).answers[index] = {choice: String(record.choice ?? ""), correct: Boolean(record.correct)};
      save();
    },
    resetQuiz(module) {
      entry(module).answers = {};
      save();
    },
    /** {correct, answered, total} for the module's quiz. */
    score(module) {
      const total = module.content?.assessment?.length || 0;
      const answers = Object.entries(entry(module).answers).filter(([index]) => Number(index) < total);
      return {correct: answers.filter(([, a]) => a.correct).length, answered: answers.length, total};
    },
  };
}
