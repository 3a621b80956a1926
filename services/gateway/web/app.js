// The web interface's entry: hash routes (#/courses, #/courses/<id>, #/courses/<id>/read/<n>; the
// cohorts #/cohorts and #/cohorts/<id>; what the user is taught, #/learn and #/learn/<id>/read/<n>)
// so a reload keeps the place, sign-in first when there is no token, and back to sign-in whenever a
// token is refused.

import {onUnauthorized, session} from "./api.js";
import {watchServices} from "./service_status.js";
import {cohortView} from "./views/cohort.js";
import {cohortsView} from "./views/cohorts.js";
import {courseView} from "./views/course.js";
import {coursesView} from "./views/courses.js";
import {learnView} from "./views/learn.js";
import {learnSource} from "./views/learn_source.js";
import {readerView} from "./views/reader.js";
import {parseReaderHash} from "./views/reader_routes.js";
import {signInView} from "./views/signin.js";

const main = document.getElementById("main");
const COURSE_ROUTE = /^#\/courses\/([A-Za-z0-9_-]{1,64})\/?$/;
const LIST_ROUTE = /^#\/courses\/?$/;
const COHORT_ROUTE = /^#\/cohorts\/([A-Za-z0-9_-]{1,64})\/?$/;
const COHORTS_ROUTE = /^#\/cohorts\/?$/;
const LEARN_ROUTE = /^#\/learn\/?$/;
// The header's links, and the addresses each one is the way to.
const SECTIONS = [["nav-learn", /^#\/learn(?:\/|$)/], ["nav-cohorts", /^#\/cohorts(?:\/|$)/],
  ["nav-courses", /^#\/courses(?:\/|$)/]];
let cleanup = null;
let current = null;
let notice = null;
let reader = null;  // the open reader: moving between its modules keeps the loaded course

function showSession(hash) {
  const signedIn = Boolean(session.token);
  document.getElementById("session").hidden = !signedIn;
  document.getElementById("session-user").textContent = signedIn ? `Signed in as ${session.user}` : "";
  document.getElementById("site-nav").hidden = !signedIn;
  const section = SECTIONS.find(([, pattern]) => pattern.test(hash))?.[0];
  for (const link of document.querySelectorAll("#site-nav a")) {
    if (link.dataset.testid === section) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

function show(name, render) {
  if (cleanup) cleanup();
  reader = null;
  current = name;
  cleanup = render() || null;
}

function route() {
  const hash = location.hash || "#/courses";
  showSession(hash);
  if (!session.token) {
    show("sign-in", () => signInView(main, {
      notice,
      onSignedIn: () => { notice = null; route(); },
    }));
    return;
  }
  const course = COURSE_ROUTE.exec(hash);
  const cohort = COHORT_ROUTE.exec(hash);
  const read = parseReaderHash(hash);
  if (read) {
    const name = `${read.learner ? "learn" : "reader"}:${read.courseId}`;
    if (current === name && reader) {
      reader.open(read);
    } else {
      let opened = null;
      show(name, () => {
        opened = readerView(main, read.courseId, read, read.learner ? learnSource : undefined);
        return () => opened.dispose();
      });
      reader = opened;
    }
  } else if (course) {
    show(`course:${course[1]}`, () => courseView(main, course[1]));
  } else if (LIST_ROUTE.test(hash)) {
    show("courses", () => coursesView(main, navigate));
  } else if (cohort) {
    show(`cohort:${cohort[1]}`, () => cohortView(main, cohort[1]));
  } else if (COHORTS_ROUTE.test(hash)) {
    show("cohorts", () => cohortsView(main, navigate));
  } else if (LEARN_ROUTE.test(hash)) {
    show("learn", () => learnView(main));
  } else {
    location.replace("#/courses");  // an unknown place: the list (hashchange routes again)
  }
}

export function navigate(hash) {
  if (location.hash === hash) route(); else location.hash = hash;
}

onUnauthorized((message) => {
  notice = message;
  if (current === "sign-in") return;
  route();
});

document.getElementById("sign-out").addEventListener("click", () => {
  session.signOut();
  notice = "You have signed out.";
  route();
});

// The skip link must not change the hash: that is where the route lives.
document.querySelector(".skip-link")?.addEventListener("click", (event) => {
  event.preventDefault();
  main.focus();
});

window.addEventListener("hashchange", route);
route();
watchServices(document.getElementById("service-status"));
