// Reading aids of a lesson page, for every host that loads host.js (served and exported):
// - a table of contents of the lesson's sections, placed under its title, which the skip link
//   at the top of the page ("Skip to the contents") reaches;
// - every formula, code block or table of the prose that is wider than the screen becomes a
//   labelled keyboard stop marked "scrolls sideways", so nothing is cut off without a sign.
// Nothing here touches a widget: widgets mark their own scrolling parts.

const SECTIONS = ":scope > h2[id], :scope > h3[id]";
const SCROLLERS = [
  [":scope > .cs-math", "formula"],
  [":scope > pre", "code"],
  [":scope > table", "table"],
];

function element(tag, className, text = null) {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== null) node.textContent = text;
  return node;
}

/** Fill the page's contents list (nav#cs-contents) with links to the lesson's sections. */
function contents(main) {
  const nav = document.getElementById("cs-contents");
  const headings = [...main.querySelectorAll(SECTIONS)];
  if (!nav || headings.length < 2) return;
  const list = element("ol", "cs-toc-list");
  let sub = null;
  for (const heading of headings) {
    const item = element("li", "");
    const link = element("a", "", heading.textContent);
    link.href = `#${heading.id}`;
    item.append(link);
    if (heading.tagName === "H3" && list.lastElementChild) {
      if (!sub) { sub = element("ol", ""); list.lastElementChild.append(sub); }
      sub.append(item);
    } else {
      sub = null;
      list.append(item);
    }
  }
  nav.append(list);
  main.querySelector(":scope > h1")?.after(nav);
  nav.hidden = false;
  document.querySelector('a.cs-skip[href="#cs-contents"]')?.removeAttribute("hidden");
}

/** Give `node` a keyboard stop, a name and a visible mark while it is wider than its box. */
function markScrolling(node, what) {
  const scrolls = node.scrollWidth > node.clientWidth + 1;
  if (scrolls === node.classList.contains("cs-scrolls")) return;
  node.classList.toggle("cs-scrolls", scrolls);
  if (scrolls) {
    node.tabIndex = 0;
    node.setAttribute("role", "region");
    node.setAttribute("aria-label", `${what}, scrolls sideways`);
    const hint = element("p", "cs-scroll-hint", `↔ this ${what} scrolls sideways`);
    hint.setAttribute("aria-hidden", "true");
    node.after(hint);
  } else {
    node.removeAttribute("tabindex");
    node.removeAttribute("role");
    node.removeAttribute("aria-label");
    if (node.nextElementSibling?.classList.contains("cs-scroll-hint")) node.nextElementSibling.remove();
  }
}

function scrollers(main) {
  const found = SCROLLERS.flatMap(([selector, what]) => [...main.querySelectorAll(selector)].map((node) => [node, what]));
  const check = () => { for (const [node, what] of found) markScrolling(node, what); };
  check();
  new ResizeObserver(check).observe(main);
}

const main = document.querySelector("main.cs-lesson");
if (main) {
  contents(main);
  scrollers(main);
}
