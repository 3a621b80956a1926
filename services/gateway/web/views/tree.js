// The scanned repository's folders as a tree of checkboxes. Checking a folder includes everything
// under it (the gateway selects recursively), so its subfolders show as included and locked.

import {h, uid} from "../dom.js";

const ROOT = ".";

function ancestors(path) {
  const folder = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : ROOT;
  const result = [ROOT];
  if (folder === ROOT) return result;
  const parts = folder.split("/");
  for (let n = 1; n <= parts.length; n += 1) result.push(parts.slice(0, n).join("/"));
  return result;
}

/** Documentation files under each folder (recursively), from the listed files. */
export function documentCounts(files) {
  const counts = new Map();
  for (const file of files) {
    if (!file.is_documentation) continue;
    for (const folder of ancestors(file.path)) counts.set(folder, (counts.get(folder) || 0) + 1);
  }
  return counts;
}

/**
 * root: {path, name, children} from GET repository-files; counts: Map or null when the file list
 * was incomplete (then every folder is shown, without counts); selected: saved folder paths.
 * Returns {el, selectedFolders(), onChange(fn)}.
 */
export function folderTree(root, counts, selected, repoName) {
  const chosen = new Set(selected || []);
  const boxes = new Map();
  let changeHandler = () => {};
  const visible = (node) => !counts || node.path === ROOT || (counts.get(node.path) || 0) > 0
    || chosen.has(node.path);

  function lockDescendants(node, locked, via) {
    for (const child of node.children) {
      const box = boxes.get(child.path);
      if (box) {
        box.disabled = locked;
        if (locked) box.checked = true; else box.checked = chosen.has(child.path);
        box.closest("li").classList.toggle("included", locked);
        box.title = locked ? `Included with ${via}` : "";
      }
      lockDescendants(child, locked || Boolean(box && box.checked && !box.disabled), locked ? via : child.path);
    }
  }

  function item(node, depth) {
    const id = uid("folder");
    const box = h("input", {type: "checkbox", id, value: node.path,
      dataset: {testid: "folder-checkbox", path: node.path}});
    box.checked = chosen.has(node.path);
    boxes.set(node.path, box);
    const count = counts ? counts.get(node.path) || 0 : null;
    const name = node.path === ROOT ? `${repoName || "Repository"} (everything)` : node.name;
    const children = node.children.filter(visible);
    const list = children.length ? h("ul", {role: "group"}, children.map((c) => item(c, depth + 1))) : null;
    const expanded = depth < 2 || [...chosen].some((p) => p.startsWith(`${node.path}/`));
    let toggle = null;
    if (list) {
      list.hidden = !expanded;
      toggle = h("button", {type: "button", className: "toggle", "aria-expanded": String(expanded),
        "aria-label": `Show subfolders of ${name}`, dataset: {testid: "folder-toggle", path: node.path}},
      expanded ? "▾" : "▸");
      toggle.addEventListener("click", () => {
        list.hidden = !list.hidden;
        toggle.setAttribute("aria-expanded", String(!list.hidden));
        toggle.textContent = list.hidden ? "▸" : "▾";
      });
    }
    box.addEventListener("change", () => {
      if (box.checked) chosen.add(node.path); else chosen.delete(node.path);
      lockDescendants(node, box.checked, node.path);
      changeHandler();
    });
    return h("li", {dataset: {path: node.path}},
      h("div", {className: "tree-row"}, toggle || h("span", {className: "toggle-space", "aria-hidden": "true"}),
        box, h("label", {for: id}, h("span", {className: "folder-name"}, name),
          count === null ? null : h("span", {className: "count"}, ` ${count} document${count === 1 ? "" : "s"}`))),
      list);
  }

  const el = h("ul", {className: "tree", dataset: {testid: "folder-tree"}}, item(root, 0));
  // Saved selections may contain nested folders; show what their parents include.
  for (const path of [...chosen].sort((a, b) => a.length - b.length)) {
    const box = boxes.get(path);
    if (box && box.checked && !box.disabled) lockDescendants(findNode(root, path) || {children: []}, true, path);
  }
  return {
    el,
    selectedFolders: () => [...boxes.values()].filter((b) => b.checked && !b.disabled).map((b) => b.value),
    onChange(fn) { changeHandler = fn; },
  };
}

function findNode(node, path) {
  if (node.path === path) return node;
  for (const child of node.children) {
    if (path === child.path || path.startsWith(`${child.path}/`)) return findNode(child, path);
  }
  return null;
}
