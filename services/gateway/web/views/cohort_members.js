// A cohort's members (learners and mentors) as a table; its owner adds one by the user id they sign
// in with (and, if they like, an e-mail address shown to the owner and mentors) or removes one.

import {api} from "../api.js";
import {announce, busy, field, formatDate, h, messageBox, replace, showRequestError} from "../dom.js";
import {cohortPaths} from "./cohorts.js";

const ROLES = {learner: "Learner", mentor: "Mentor"};

function memberRow(member, manage, onRemove) {
  const remove = manage
    ? h("button", {type: "button", className: "danger-outline", dataset: {testid: "remove-member"},
      "aria-label": `Remove ${member.user_id} from the cohort`}, "Remove")
    : null;
  remove?.addEventListener("click", () => onRemove(member, remove));
  return h("tr", {dataset: {testid: "member-row", user: member.user_id, role: member.role}},
    h("th", {scope: "row", className: "member-user"}, member.user_id),
    h("td", {}, member.email || ""),
    h("td", {dataset: {testid: "member-role"}}, ROLES[member.role] || member.role),
    h("td", {}, formatDate(member.added_at)),
    manage ? h("td", {}, remove) : null);
}

function addForm(cohortId, onAdded) {
  const user = h("input", {type: "text", maxlength: "256", required: true, autocomplete: "off", spellcheck: "false",
    dataset: {testid: "member-user-id"}});
  const role = h("select", {dataset: {testid: "member-role-select"}},
    h("option", {value: "learner"}, "Learner"), h("option", {value: "mentor"}, "Mentor"));
  const email = h("input", {type: "email", maxlength: "320", autocomplete: "off", dataset: {testid: "member-email"}});
  const fields = {
    user_id: field("User id", user, "The id they sign in with."),
    role: field("Role", role, "A learner reads the courses; a mentor follows the learners' progress."),
    email: field("E-mail (optional)", email, "Shown to you and the cohort's mentors only."),
  };
  const add = h("button", {type: "submit", dataset: {testid: "add-member"}}, "Add member");
  const error = messageBox("add-member-error");
  const form = h("form", {className: "create-form", "aria-labelledby": "add-member-heading", novalidate: true},
    h("h3", {id: "add-member-heading"}, "Add a member"), fields.user_id.wrapper, fields.role.wrapper,
    fields.email.wrapper, h("div", {className: "actions"}, add), error.el);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    error.clear();
    const userId = user.value.trim();
    const address = email.value.trim();
    if (!userId) { fields.user_id.invalid("Enter the user id of the person to add."); user.focus(); return; }
    if (address && !/^[^@\s]{1,64}@[^@\s]{1,255}$/.test(address)) {
      fields.email.invalid("That does not look like an e-mail address.");
      email.focus();
      return;
    }
    busy(add, async () => {
      await api.post(cohortPaths.members(cohortId), {user_id: userId, role: role.value, ...(address ? {email: address} : {})});
      announce(`${userId} added as ${ROLES[role.value].toLowerCase()}.`);
      user.value = "";
      email.value = "";
      await onAdded();
      user.focus();
    }, (err) => showRequestError(err, fields, error));
  });
  return form;
}

/** The members section of cohort `cohortId`; `onChanged()` is called once a member is added or removed. */
export function membersSection(cohortId, onChanged) {
  const error = messageBox("members-error");
  const body = h("tbody");
  const head = h("tr");
  const table = h("div", {className: "table-scroll"}, h("table", {dataset: {testid: "members-table"}},
    h("caption", {}, "Learners and mentors"), h("thead", {}, head), body));
  const empty = h("p", {dataset: {testid: "no-members"}, hidden: true}, "No one is in this cohort yet.");
  const slot = h("div");
  const el = h("section", {className: "cohort-part", "aria-labelledby": "members-heading"},
    h("h2", {id: "members-heading"}, "Members"), error.el, empty, table, slot);
  let formShown = false;

  async function remove(member, button) {
    await busy(button, async () => {
      await api.del(cohortPaths.member(cohortId, member.user_id));
      announce(`${member.user_id} removed from the cohort.`);
      await onChanged();
    }, (err) => error.show(err.message));
  }

  return {
    el,
    show(members, manage) {
      replace(head, h("th", {scope: "col"}, "User id"), h("th", {scope: "col"}, "E-mail"),
        h("th", {scope: "col"}, "Role"), h("th", {scope: "col"}, "Added"),
        manage ? h("th", {scope: "col"}, h("span", {className: "visually-hidden"}, "Actions")) : null);
      replace(body, members.map((member) => memberRow(member, manage, remove)));
      table.hidden = members.length === 0;
      empty.hidden = members.length > 0;
      if (manage && !formShown) {
        replace(slot, addForm(cohortId, onChanged));
        formShown = true;
      }
    },
  };
}
