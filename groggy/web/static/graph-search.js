// The graph page's search box: what is typed goes to the server (FindNode, answered by
// groggy/viz/node_search.py), the matches are listed under the box, and choosing one
// (click, or Enter on the highlighted one) hands its node to `choose`.

export function attachSearch(input, list, find, choose) {
  let matches = [], active = 0, seq = 0, timer = null;

  function show() {
    list.replaceChildren(...matches.map((m, k) => {
      const li = document.createElement("li");
      li.setAttribute("role", "option");
      li.dataset.node = String(m.id);
      if (k === active) li.classList.add("gg-active");
      li.append(`node ${m.id}`);
      const extra = m.attribute === "id" ? (m.label != null ? ` · ${m.label}` : "") : ` · ${m.attribute}: ${m.value}`;
      li.appendChild(document.createElement("span")).textContent = extra;
      li.addEventListener("mousedown", (ev) => { ev.preventDefault(); pick(k); });
      return li;
    }));
    list.hidden = !matches.length && !input.value.trim();
    if (!matches.length && input.value.trim()) {
      const li = document.createElement("li");
      li.textContent = "no node matches";
      list.replaceChildren(li);
    }
  }

  function pick(k) {
    const m = matches[k];
    if (!m) return;
    list.hidden = true;
    choose(m);
  }

  function ask() {
    const text = input.value, mine = ++seq;
    if (!text.trim()) { matches = []; show(); return Promise.resolve([]); }
    return find(text).then((reply) => {
      if (mine !== seq) return matches;
      matches = reply.type === "Found" ? reply.matches : [];
      active = 0; show();
      return matches;
    });
  }

  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(ask, 120); });
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      active = Math.max(0, Math.min(matches.length - 1, active + (ev.key === "ArrowDown" ? 1 : -1)));
      show(); ev.preventDefault();
    } else if (ev.key === "Enter") {
      clearTimeout(timer);
      ask().then(() => pick(active));
      ev.preventDefault();
    } else if (ev.key === "Escape") { list.hidden = true; }
  });
  input.addEventListener("blur", () => { list.hidden = true; });
  return { ask };
}
