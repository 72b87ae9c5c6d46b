// A small Markdown renderer for the proposal texts: headings (with GitHub's anchors), fenced
// code, tables, lists, paragraphs, and inline code, bold, emphasis and links. A list item or
// paragraph that starts with rule names in bold (`**resume**`, `**`cont.new`**`) gets the id
// `rule-<name>` of its first name, so a rule can be scrolled to and highlighted.

const escape = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** GitHub's heading anchor: lower case, spaces to `-`, other punctuation dropped. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/ /g, "-")
    .replace(/[^\p{L}\p{N}_-]/gu, "");
}

function inline(text: string): string {
  // Code spans first, so nothing inside them is read as markup.
  const parts = text.split(/(`+[^`]*`+)/);
  return parts
    .map((part, i) => {
      if (i % 2 === 1) return `<code>${escape(part.replace(/^`+|`+$/g, ""))}</code>`;
      return escape(part)
        .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
        .replace(/(^|[^*\w])\*([^*\s][^*]*)\*/g, "$1<em>$2</em>")
        .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_m, label: string, href: string) => {
          // Links inside the repository cannot be followed from the page; keep their text.
          const external = /^https?:/.test(href);
          return external ? `<a href="${href}" target="_blank" rel="noopener">${label}</a>` : label;
        });
    })
    .join("")
    // Bold that wraps a code span: `**`x`**`.
    .replace(/\*\*(<code>[^<]*<\/code>)\*\*/g, "<strong>$1</strong>");
}

/** The rule names a line starts with, in bold (as `coverage/doc.rs` reads them). */
function ruleNames(text: string): string[] {
  const names: string[] = [];
  let rest = text;
  for (;;) {
    const m = /^\*\*`?([a-z][a-z0-9_.-]*)`?\*\*[, ]*/.exec(rest);
    if (!m) break;
    names.push(m[1]);
    rest = rest.slice(m[0].length);
  }
  const bracket = /^[^[]*\[`([a-z][a-z0-9_.-]*)`\]/.exec(rest);
  if (names.length > 0 && bracket) return [bracket[1]];
  return names;
}

function ruleAttr(text: string): string {
  const names = ruleNames(text);
  return names.length ? ` id="rule-${escape(names[0])}" data-rules="${escape(names.join(" "))}"` : "";
}

export function render(md: string): string {
  const lines = md.split("\n");
  const out: string[] = [];
  const seen = new Map<string, number>();
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (/^```/.test(line)) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !/^```/.test(lines[i])) body.push(lines[i++]);
      i++;
      out.push(`<pre><code>${escape(body.join("\n"))}</code></pre>`);
      continue;
    }
    const h = /^(#{1,6})\s+(.*)$/.exec(line);
    if (h) {
      let id = slug(h[2]);
      const n = seen.get(id) ?? 0;
      seen.set(id, n + 1);
      if (n > 0) id = `${id}-${n}`;
      out.push(`<h${h[1].length} id="${escape(id)}">${inline(h[2])}</h${h[1].length}>`);
      i++;
      continue;
    }
    if (/^\s*\|/.test(line)) {
      const rows: string[][] = [];
      while (i < lines.length && /^\s*\|/.test(lines[i])) {
        const cells = lines[i].trim().replace(/^\||\|$/g, "").split("|").map((c) => c.trim());
        if (!cells.every((c) => /^:?-+:?$/.test(c))) rows.push(cells);
        i++;
      }
      const [head, ...body] = rows;
      out.push(
        "<table><thead><tr>" +
          head.map((c) => `<th>${inline(c)}</th>`).join("") +
          "</tr></thead><tbody>" +
          body.map((r) => "<tr>" + r.map((c) => `<td>${inline(c)}</td>`).join("") + "</tr>").join("") +
          "</tbody></table>",
      );
      continue;
    }
    const item = /^(\s*)([-*]|\d+\.)\s+(.*)$/.exec(line);
    if (item) {
      const ordered = /\d/.test(item[2]);
      const items: string[] = [];
      while (i < lines.length) {
        const m = /^(\s*)([-*]|\d+\.)\s+(.*)$/.exec(lines[i]);
        if (m) {
          items.push(m[3]);
        } else if (/^\s+\S/.test(lines[i]) && items.length) {
          items[items.length - 1] += " " + lines[i].trim();
        } else {
          break;
        }
        i++;
      }
      const tag = ordered ? "ol" : "ul";
      out.push(`<${tag}>` + items.map((t) => `<li${ruleAttr(t)}>${inline(t)}</li>`).join("") + `</${tag}>`);
      continue;
    }
    if (line.trim() === "") {
      i++;
      continue;
    }
    const para: string[] = [];
    while (
      i < lines.length &&
      lines[i].trim() !== "" &&
      !/^(#{1,6}\s|```|\s*\||\s*([-*]|\d+\.)\s)/.test(lines[i])
    ) {
      para.push(lines[i++]);
    }
    const text = para.join(" ");
    out.push(`<p${ruleAttr(text)}>${inline(text)}</p>`);
  }
  return out.join("\n");
}
