// A learner's progress in a course assigned to them (issue 46), kept by the gateway so that it
// follows them from browser to browser; the same interface as progressStore (reader_progress.js).
// It starts from GET /api/learn/courses/<id>/progress. Each module read and each answer is an action
// with an id made here, kept in an outbox in localStorage (per user and course) until the gateway
// has it: offline, or when a request fails, the actions wait there and are sent again with the same
// ids (so the gateway counts each once) when the page is back online, a little later, or when the
// course is next opened. The first time a module is opened this way, what this browser's own reader
// remembered of it (progressStore, before progress was kept by the gateway) is sent too, once.

import {api} from "../api.js";
import {progressKey} from "./reader_progress.js";

const OUTBOX = "coursegen.learn.outbox";
const MIGRATED = "coursegen.learn.migrated";
const RETRY_MS = 15000;
// Refusals that a resend cannot change (no longer assigned, not released, a mentor's, invalid): dropped.
const PERMANENT = new Set([400, 403, 404, 409, 410, 413, 422]);

function key(prefix, user, courseId) {
  return `${prefix}.${encodeURIComponent(user || "anonymous")}.${courseId}`;
}

export function outboxKey(user, courseId) {
  return key(OUTBOX, user, courseId);
}

function load(storageKey, fallback) {
  try {
    const value = JSON.parse(localStorage.getItem(storageKey));
    return value ?? fallback;
  } catch {
    return fallback;
  }
}

function save(storageKey, value) {
  try {
    localStorage.setItem(storageKey, JSON.stringify(value));
    return true;
  } catch {
    return false;  // storage full or disabled: the page keeps it while it is open
  }
}

/** An id for one action (the API takes ^[A-Za-z0-9_-]{1,64}$): 32 random hex digits. */
export function clientId() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function selfMarked(question) {
  return question.kind === "short_answer" || !question.options?.length;  // as quiz.js shows it
}

/** The option index the API takes for the quiz's record {choice (the option's text), correct}: for
 * a short answer the learner marked, 0 right and 1 wrong. null when no option has that text. */
export function choiceIndex(question, record) {
  if (selfMarked(question)) return record.correct ? 0 : 1;
  const index = question.options.indexOf(String(record.choice ?? ""));
  return index >= 0 ? index : null;
}

/** The quiz's record for an answer the gateway holds ({choice: index, correct}). */
function recordOf(question, answer) {
  // The words of a short answer stay with the learner: the gateway keeps whether they were right.
  const choice = selfMarked(question) ? "" : question.options[answer.choice] ?? "";
  return {choice, correct: Boolean(answer.correct)};
}

/** The outbox of `user` in `courseId`: the actions not yet acknowledged, in the order they were made.
 * Read from localStorage at each step, so tabs of the same course share it. */
function outbox(user, courseId) {
  const storageKey = outboxKey(user, courseId);
  let memory = [];
  let stored = true;  // false while localStorage cannot be written: the page keeps the actions
  const list = () => {
    if (!stored) return memory;
    const found = load(storageKey, null);
    return Array.isArray(found) ? found : memory;
  };
  const write = (actions) => {
    memory = actions;
    stored = save(storageKey, actions);
  };
  return {
    list,
    add(action) { write([...list(), action]); },
    remove(id) { write(list().filter((action) => action.client_id !== id)); },
  };
}

/**
 * The progress store of `user` (a learner) in `courseId`, whose released modules are `modules`;
 * `onPending(count, problem)` hears how many actions wait to be sent, and why ("" when none wait).
 */
export async function learnerStore(user, courseId, modules, {onPending = () => {}} = {}) {
  const base = `/api/learn/courses/${encodeURIComponent(courseId)}`;
  const byId = new Map(modules.map((module) => [module.module_id, module]));
  const questionsOf = (module) => module.content?.assessment || [];
  const state = new Map(modules.map((module) => [module.module_id, {read: false, answers: {}}]));
  const entry = (module) => {
    if (!state.has(module.module_id)) state.set(module.module_id, {read: false, answers: {}});
    return state.get(module.module_id);
  };
  const box = outbox(user, courseId);
  let sending = null;
  let again = false;
  let timer = null;
  let disposed = false;

  // What the gateway has, then what this browser has not sent yet.
  const held = await api.get(`${base}/progress`);
  for (const found of held.modules || []) {
    const module = byId.get(found.module_id);
    if (!module) continue;
    const mine = entry(module);
    mine.read = Boolean(found.read);
    const questions = questionsOf(module);
    for (const [index, answer] of Object.entries(found.answers || {})) {
      if (Number(index) < questions.length) mine.answers[index] = recordOf(questions[Number(index)], answer);
    }
  }
  const apply = (action) => {
    const module = byId.get(action.module_id);
    if (!module) return;
    if (action.kind === "read") entry(module).read = true;
    else if (!(action.question in entry(module).answers)) entry(module).answers[action.question] = action.record;
  };
  box.list().forEach(apply);
  migrate();

  function enqueue(action) {
    box.add(action);
    onPending(box.list().length, "sending");
    flush();
  }

  function readAction(module) {
    return {kind: "read", module_id: module.module_id, client_id: clientId()};
  }

  function answerAction(module, index, record) {
    const choice = choiceIndex(questionsOf(module)[index], record);
    if (choice === null) return null;
    return {kind: "answer", module_id: module.module_id, question: index, choice, client_id: clientId(),
      record: {choice: String(record.choice ?? ""), correct: Boolean(record.correct)}};
  }

  /** This browser's own record of the course (progressStore), sent once per module released. */
  function migrate() {
    const doneKey = key(MIGRATED, user, courseId);
    const done = new Set(load(doneKey, []));
    const local = load(progressKey(user, courseId), null);
    const kept = local && typeof local.modules === "object" && local.modules ? local.modules : {};
    let changed = false;
    for (const module of modules) {
      if (done.has(module.module_id)) continue;
      done.add(module.module_id);
      changed = true;
      const old = kept[module.module_id];
      if (!old || typeof old !== "object") continue;
      const mine = entry(module);
      if (old.read && !mine.read) {
        const action = readAction(module);
        box.add(action);
        apply(action);
      }
      const questions = questionsOf(module);
      for (const [index, record] of Object.entries(old.answers && typeof old.answers === "object" ? old.answers : {})) {
        const n = Number(index);
        if (!Number.isInteger(n) || n < 0 || n >= questions.length || index in mine.answers || !record) continue;
        const action = answerAction(module, n, record);
        if (action) { box.add(action); apply(action); }
      }
    }
    if (changed) save(doneKey, [...done]);
  }

  async function send(action) {
    const body = action.kind === "read"
      ? {module_id: action.module_id, client_id: action.client_id}
      : {module_id: action.module_id, question: action.question, choice: action.choice, client_id: action.client_id};
    await api.post(`${base}/${action.kind === "read" ? "read" : "answers"}`, body);
  }

  /** Send the outbox, oldest first; stops at the first failure that a later resend may mend. */
  function flush() {
    if (sending) {
      again = true;
      return sending;
    }
    clearTimeout(timer);
    timer = null;
    sending = (async () => {
      let problem = "";
      do {
        again = false;
        for (const action of box.list()) {
          try {
            await send(action);
          } catch (err) {
            if (!PERMANENT.has(err?.status)) {
              problem = navigator.onLine ? "failed" : "offline";
              break;
            }
          }
          box.remove(action.client_id);
        }
      } while (again && !problem);
      return problem;
    })().then((problem) => {
      sending = null;
      const waiting = box.list().length;
      if (disposed) return problem;
      onPending(waiting, waiting ? problem || "failed" : "");
      // Offline, the "online" event sends them; otherwise try again a little later.
      if (waiting && problem !== "offline") timer = setTimeout(flush, RETRY_MS);
      return waiting ? problem || "failed" : "";
    });
    return sending;
  }

  const online = () => flush();
  window.addEventListener("online", online);
  onPending(box.list().length, box.list().length ? "sending" : "");
  flush();

  return {
    isRead: (module) => Boolean(entry(module).read),
    markRead(module) {
      const mine = entry(module);
      if (mine.read) return false;
      mine.read = true;
      enqueue(readAction(module));
      return true;
    },
    /** {index: {choice, correct}} of the module's answered questions. */
    answers: (module) => ({...entry(module).answers}),
    answer(module, index, record) {
      const action = answerAction(module, index, record);
      entry(module).answers[index] = {choice: String(record.choice ?? ""), correct: Boolean(record.correct)};
      if (action) enqueue(action);
    },
    /** The gateway keeps the first answer to each question: clearing them here starts a practice
     * round in this page, whose answers are sent but do not change the score. */
    resetQuiz(module) {
      entry(module).answers = {};
    },
    resettable: false,
    /** {correct, answered, total} for the module's quiz. */
    score(module) {
      const total = questionsOf(module).length;
      const answers = Object.entries(entry(module).answers).filter(([index]) => Number(index) < total);
      return {correct: answers.filter(([, a]) => a.correct).length, answered: answers.length, total};
    },
    /** Send what waits now (a promise of "" when all is sent, else why not). */
    flush,
    dispose() {
      disposed = true;
      clearTimeout(timer);
      window.removeEventListener("online", online);
    },
  };
}
