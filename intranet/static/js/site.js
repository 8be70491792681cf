// Small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector(".site-nav__toggle");
  const list = document.getElementById("site-nav-list");
  if (toggle && list) {
    toggle.addEventListener("click", () => {
      const open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", String(!open));
      list.classList.toggle("is-open", !open);
    });
  }
});

// @-mentions: while typing "@ma" in a text field marked data-mentions, colleagues whose
// name or handle starts so are offered as buttons below it; choosing one writes the handle.
// Without the script, people type the handle themselves (it is shown on each profile).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("textarea[data-mentions]").forEach((field) => {
    const box = document.createElement("div");
    box.className = "mention-suggestions";
    box.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", box);
    let timer = null;
    let request = 0;

    const wordAtCaret = () => {
      const before = field.value.slice(0, field.selectionStart);
      const match = before.match(/(^|[^\w@.])@([\w.-]{2,40})$/u);
      return match ? { text: match[2], start: before.length - match[2].length - 1 } : null;
    };

    const choose = (word, handle) => {
      const after = field.value.slice(field.selectionStart);
      field.value = field.value.slice(0, word.start) + "@" + handle + " " + after;
      const caret = word.start + handle.length + 2;
      field.focus();
      field.setSelectionRange(caret, caret);
      box.replaceChildren();
    };

    const show = (word, people) => {
      box.replaceChildren();
      if (!people.length) return;
      const label = document.createElement("p");
      label.className = "kern-body kern-body--small";
      label.textContent = field.dataset.mentionsLabel || "";
      const list = document.createElement("ul");
      list.className = "mention-suggestions__list";
      people.forEach((person) => {
        const item = document.createElement("li");
        const button = document.createElement("button");
        button.type = "button";
        button.className = "kern-btn kern-btn--tertiary kern-btn--small";
        button.textContent = `@${person.handle} – ${person.name}`
          + (person.organisation ? ` (${person.organisation})` : "");
        button.addEventListener("click", () => choose(word, person.handle));
        item.append(button);
        list.append(item);
      });
      box.append(label, list);
    };

    field.addEventListener("input", () => {
      clearTimeout(timer);
      const word = wordAtCaret();
      if (!word) { box.replaceChildren(); return; }
      timer = setTimeout(async () => {
        const mine = ++request;
        const url = `${field.dataset.mentions}?q=${encodeURIComponent(word.text)}`;
        try {
          const response = await fetch(url, { headers: { Accept: "application/json" } });
          if (!response.ok || mine !== request) return;
          show(word, (await response.json()).results);
        } catch (error) {
          box.replaceChildren();
        }
      }, 200);
    });
  });
});

// Tables wider than the screen scroll sideways inside their frame. A frame that scrolls
// takes the keyboard focus, so that the arrow keys scroll it (WCAG 2.1.1), and is named
// after its table's caption or its section's heading; frames that fit stay out of the
// Tab order. Frames given a tabindex in the template are left as they are.
document.addEventListener("DOMContentLoaded", () => {
  const frames = [...document.querySelectorAll(".kern-table-responsive")]
    .filter((frame) => !frame.hasAttribute("tabindex"));
  const nameOf = (frame) => {
    const caption = frame.querySelector("caption");
    const heading = frame.closest("section, article, main")?.querySelector("h1, h2, h3");
    return (caption || heading)?.textContent.trim() || "";
  };
  const update = () => frames.forEach((frame) => {
    if (frame.scrollWidth > frame.clientWidth + 1) {
      frame.tabIndex = 0;
      frame.setAttribute("role", "region");
      frame.setAttribute("aria-label", nameOf(frame));
    } else {
      frame.removeAttribute("tabindex");
      frame.removeAttribute("role");
      frame.removeAttribute("aria-label");
    }
  });
  update();
  window.addEventListener("resize", update);
});
