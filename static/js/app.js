// Small enhancements only; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Move focus to the error summary so screen-reader and keyboard users hear it first.
  const summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();

  // Panels folded for a phone (library filters) stand open on a wide screen.
  if (window.matchMedia("(min-width: 56rem)").matches) {
    document.querySelectorAll("details[data-open-when-wide]").forEach((panel) => { panel.open = true; });
  }

  // Long lists of people: a box above the list that hides who does not match what is typed.
  const fold = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  document.querySelectorAll("select[data-filterable]").forEach((select) => {
    const label = document.querySelector(`label[for="${select.id}"]`);
    const box = document.createElement("input");
    box.type = "search";
    box.className = "picker-filter";
    box.id = `${select.id}-filter`;
    box.setAttribute("aria-label", `${label ? label.textContent.trim() : ""}: ${select.dataset.filterLabel}`);
    box.setAttribute("aria-controls", select.id);
    box.placeholder = select.dataset.filterLabel;
    box.addEventListener("input", () => {
      const wanted = fold(box.value.trim());
      Array.from(select.options).forEach((option) => {
        option.hidden = Boolean(wanted) && !option.selected && option.value !== "0" && !fold(option.text).includes(wanted);
      });
    });
    select.before(box);
  });

  // Ask before irreversible-looking actions (the server still decides).
  document.querySelectorAll("[data-confirm]").forEach((button) => {
    button.addEventListener("click", (event) => {
      if (!window.confirm(button.dataset.confirm)) event.preventDefault();
    });
  });

  // While a question's title is typed: similar questions that already exist (the form shows
  // them again on submit, so this is only a head start).
  const similarInput = document.querySelector("input[data-similar]");
  const similarBox = document.getElementById("similar-live");
  if (similarInput && similarBox) {
    let timer = null;
    similarInput.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const q = similarInput.value.trim();
        similarBox.replaceChildren();
        if (q.length < 4) return;
        try {
          const response = await fetch(`${similarInput.dataset.similar}?q=${encodeURIComponent(q)}`,
            { headers: { Accept: "application/json" }, credentials: "same-origin" });
          if (!response.ok) return;
          const found = await response.json();
          if (!found.length) return;
          const intro = document.createElement("p");
          intro.className = "hint";
          intro.textContent = similarBox.dataset.heading;
          const list = document.createElement("ul");
          found.forEach((item) => {
            const li = document.createElement("li");
            const link = document.createElement("a");
            link.href = item.url;
            link.textContent = item.title;
            li.append(link, ` (${item.status})`);
            list.append(li);
          });
          similarBox.append(intro, list);
        } catch (error) { /* the form still works without suggestions */ }
      }, 300);
    });
  }
});
