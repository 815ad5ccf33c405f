// Gradebook's dashboard: the pages are complete without this script; it keeps them live, from GET /scores/live for
// results and from a poll of the page's own figures (every two seconds) for totals, rates and feed states.
"use strict";

(() => {
  const status = document.getElementById("live-status");
  const overview = document.querySelector("[data-overview]");
  const examPage = document.querySelector("[data-live-exam]");
  const studentPage = document.querySelector("[data-live-student]");
  const feedsPage = document.querySelector("[data-live-feeds]");
  const charts = window.GradebookCharts;
  const pollInterval = 2000;
  const recentExams = 50;

  const percent = (score) => (score * 100).toFixed(1) + "%";
  const count = (n) => Number(n).toLocaleString("en-US");
  const seconds = (s) => s.toFixed(1) + " s";
  const rate = (r) => r.toFixed(1) + "/s";
  const studentLink = (id) => "/student?id=" + encodeURIComponent(id);
  const link = (href, text) => {
    const a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    return a;
  };
  const setText = (element, text) => {
    if (element && element.textContent !== text) {
      element.textContent = text;
    }
  };
  const setState = (cell, state) => {
    const badge = cell.querySelector(".state");
    setText(badge, state);
    badge.className = "state state-" + state;
  };

  // Redraws at most once a frame however many results arrive.
  const onFrame = (draw) => {
    let pending = false;
    return () => {
      if (!pending) {
        pending = true;
        requestAnimationFrame(() => { pending = false; draw(); });
      }
    };
  };

  function listen(query, onResult) {
    if (!("EventSource" in window)) {
      return;
    }

    const source = new EventSource("/scores/live" + query);
    source.onopen = () => { status.textContent = "Live: new results appear as they are stored."; };
    source.onerror = () => { status.textContent = "Reconnecting to live updates…"; };
    source.addEventListener("result", (message) => onResult(JSON.parse(message.data)));
  }

  function poll(url, onFigures, announce) {
    const next = () => setTimeout(tick, pollInterval);
    const tick = () => fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" })
      .then((response) => (response.ok ? response.json() : Promise.reject(new Error(response.statusText))))
      .then((figures) => {
        onFigures(figures);
        if (announce) {
          status.textContent = "Live: figures refresh every 2 seconds.";
        }
      })
      .catch(() => { status.textContent = "Reconnecting to live figures…"; })
      .finally(next);
    tick();
  }

  if (overview) {
    startOverview();
  }
  if (examPage) {
    listen("?exam=" + encodeURIComponent(examPage.dataset.liveExam), updateExam);
  }
  if (studentPage) {
    startStudent();
  }
  if (feedsPage) {
    startFeeds();
  }

  function startOverview() {
    const body = document.getElementById("exams");
    const trendColumns = () => {
      const rows = [...body.rows].reverse();
      return [rows.map((r) => Number(r.dataset.exam)), rows.map((r) => Number(r.dataset.average) * 100)];
    };
    const trend = charts.mount(document.getElementById("exam-trend"), "examScores", trendColumns(), { series: ["Exam average"] });
    const redraw = onFrame(() => trend.update(trendColumns()));

    listen("", (result) => {
      addToTicker(result);
      updateExamRow(result);
      redraw();
    });
    poll("/?handler=figures", (figures) => {
      ["students", "exams", "results"].forEach((name) => setText(overview.querySelector(`[data-total="${name}"]`), count(figures[name])));
      setText(overview.querySelector('[data-total="rate"]'), rate(figures.eventsPerSecond));
      figures.feeds.forEach((feed) => {
        const row = document.querySelector(`#feeds tr[data-feed="${CSS.escape(feed.name)}"]`);
        if (row) {
          setState(row.querySelector('[data-field="state"]'), feed.state);
          setText(row.querySelector('[data-field="owner"]'), feed.owner ?? "none");
          setText(row.querySelector('[data-field="lag"]'), seconds(feed.lagSeconds));
        }
      });
    }, false);
  }

  function addToTicker(result) {
    const ticker = document.getElementById("ticker");
    const item = document.createElement("li");
    const score = document.createElement("strong");
    score.textContent = percent(result.score);
    item.append(link(studentLink(result.studentId), result.studentId), " ", score, " in ",
      link("/exam/" + result.exam, "exam " + result.exam));
    item.className = "fresh";
    ticker.prepend(item);
    while (ticker.children.length > 25) {
      ticker.lastElementChild.remove();
    }
    document.querySelector(".ticker + .empty")?.remove();
  }

  function updateExamRow(result) {
    const body = document.getElementById("exams");
    let row = body.querySelector(`tr[data-exam="${result.exam}"]`);
    if (!row) {
      row = document.createElement("tr");
      row.dataset.exam = result.exam;
      const name = document.createElement("td");
      name.append(link("/exam/" + result.exam, String(result.exam)));
      const examCount = document.createElement("td");
      examCount.className = "num";
      examCount.dataset.field = "count";
      const average = document.createElement("td");
      average.className = "num";
      average.dataset.field = "average";
      row.append(name, examCount, average);
      const after = [...body.rows].find((r) => Number(r.dataset.exam) < result.exam);
      body.insertBefore(row, after ?? null);
      while (body.rows.length > recentExams) {
        body.lastElementChild.remove();
      }
    }
    row.dataset.average = result.examAverage;
    row.querySelector('[data-field="count"]').textContent = result.examStudentCount;
    row.querySelector('[data-field="average"]').textContent = percent(result.examAverage);
  }

  function startStudent() {
    const student = studentPage.dataset.liveStudent;
    const body = document.getElementById("student-results");
    const columns = () => {
      const rows = [...body.rows];
      return [rows.map((r) => Number(r.dataset.exam)), rows.map((r) => Number(r.dataset.score) * 100),
        rows.map((r) => Number(r.dataset.average) * 100)];
    };
    const chart = charts.mount(studentPage.querySelector('[data-chart="student"]'), "examScores", columns(),
      { series: [student, "Exam average"] });
    const redraw = onFrame(() => chart.update(columns()));

    // Every result: another student's result moves the average of an exam this student sat.
    listen("", (result) => {
      let row = body.querySelector(`tr[data-exam="${result.exam}"]`);
      if (result.studentId === student) {
        row ??= addStudentRow(body, result.exam);
        row.dataset.score = result.score;
        setText(row.querySelector('[data-field="score"]'), percent(result.score));
        row.className = "fresh";
        setText(studentPage.querySelector('[data-field="exam-count"]'), String(result.studentExamCount));
        setText(studentPage.querySelector('[data-field="average"]'), percent(result.studentAverage));
      }
      if (row) {
        row.dataset.average = result.examAverage;
        setText(row.querySelector('[data-field="exam-average"]'), percent(result.examAverage));
        redraw();
      }
    });
  }

  function addStudentRow(body, exam) {
    const row = document.createElement("tr");
    row.dataset.exam = exam;
    const name = document.createElement("td");
    name.append(link("/exam/" + exam, String(exam)));
    const cells = ["score", "exam-average"].map((field) => {
      const cell = document.createElement("td");
      cell.className = "num";
      cell.dataset.field = field;
      return cell;
    });
    row.append(name, ...cells);
    const after = [...body.rows].find((r) => Number(r.dataset.exam) > exam);
    body.insertBefore(row, after ?? null);
    return row;
  }

  function startFeeds() {
    const trends = new Map();
    feedsPage.querySelectorAll("section[data-feed]").forEach((section) => {
      trends.set(section.dataset.feed, charts.mount(section.querySelector('[data-chart="feed-trend"]'), "feedTrend", [[], [], []]));
    });

    poll("/feed?handler=figures", (figures) => {
      figures.feeds.forEach((feed) => {
        const section = feedsPage.querySelector(`section[data-feed="${CSS.escape(feed.name)}"]`);
        if (!section) {
          return;
        }
        const field = (name) => section.querySelector(`[data-field="${name}"]`);
        setText(field("owner"), feed.owner ?? "none");
        setState(field("state"), feed.state);
        setText(field("lag"), seconds(feed.lagSeconds));
        ["pendingEvents", "received", "accepted", "rejected", "ignored", "reconnects"].forEach((name) => setText(field(name), count(feed[name])));
        setText(field("lastCommittedEventId"), feed.lastCommittedEventId ?? "none");
        const error = field("lastError");
        error.hidden = feed.lastError == null;
        setText(error, feed.lastError == null ? "" : "Last error: " + feed.lastError);
      });
      figures.trends.forEach((trend) => {
        const points = trend.points;
        const section = feedsPage.querySelector(`section[data-feed="${CSS.escape(trend.feed)}"]`);
        setText(section?.querySelector('[data-field="rate"]'), rate(trend.eventsPerSecondNow));
        trends.get(trend.feed)?.update([points.map((p) => Date.parse(p.at) / 1000), points.map((p) => p.eventsPerSecond), points.map((p) => p.lagSeconds)]);
      });
    }, true);
  }

  // The exam page: its figures, histogram and sorted results follow each of its results.
  function updateExam(result) {
    const body = document.getElementById("results");
    let row = [...body.rows].find((r) => r.dataset.student === result.studentId);
    if (!row) {
      row = document.createElement("tr");
      row.dataset.student = result.studentId;
      const name = document.createElement("td");
      name.append(link(studentLink(result.studentId), result.studentId));
      const score = document.createElement("td");
      score.className = "num";
      row.append(name, score);
      body.append(row);
    }
    row.dataset.score = result.score;
    row.cells[1].textContent = percent(result.score);
    row.className = "fresh";
    sortRows(body);

    const scores = [...body.rows].map((r) => Number(r.dataset.score)).sort((a, b) => a - b);
    setField("count", result.examStudentCount);
    setField("average", percent(result.examAverage));
    setField("min", percent(scores[0]));
    setField("p25", percent(percentile(scores, 0.25)));
    setField("p50", percent(percentile(scores, 0.5)));
    setField("p75", percent(percentile(scores, 0.75)));
    setField("max", percent(scores[scores.length - 1]));
    drawHistogram(scores);
  }

  function sortRows(body) {
    const rows = [...body.rows];
    const byScore = (a, b) => Number(a.dataset.score) - Number(b.dataset.score);
    const byStudent = (a, b) => (a.dataset.student < b.dataset.student ? -1 : a.dataset.student > b.dataset.student ? 1 : 0);
    const order = body.dataset.sort === "student" ? byStudent
      : body.dataset.sort === "score-asc" ? (a, b) => byScore(a, b) || byStudent(a, b)
      : (a, b) => byScore(b, a) || byStudent(a, b);
    rows.sort(order).forEach((r) => body.append(r));
  }

  // Linear interpolation between closest ranks, as Exams/Distribution.cs computes it.
  function percentile(sorted, p) {
    const rank = (sorted.length - 1) * p;
    const low = Math.floor(rank);
    const high = Math.min(low + 1, sorted.length - 1);
    return sorted[low] + (rank - low) * (sorted[high] - sorted[low]);
  }

  function setField(name, value) {
    const field = document.querySelector(`[data-field="${name}"]`);
    if (field) {
      field.textContent = value;
    }
  }

  function drawHistogram(scores) {
    const svg = document.getElementById("histogram");
    const bins = new Array(10).fill(0);
    scores.forEach((s) => { bins[Math.min(9, Math.max(0, Math.floor(s * 10)))]++; });
    const max = Math.max(1, ...bins);
    const bottom = Number(svg.querySelector("line.axis").getAttribute("y1"));
    bins.forEach((binCount, bin) => {
      const bar = svg.querySelector(`rect[data-bin="${bin}"]`);
      const height = Math.round(binCount * (bottom - 20) / max);
      bar.setAttribute("y", bottom - height);
      bar.setAttribute("height", height);
      bar.querySelector("title").textContent = `${bin * 10}–${bin * 10 + 10}%: ${binCount} students`;
      const label = svg.querySelector(`text[data-bin-count="${bin}"]`);
      label.textContent = binCount;
      label.setAttribute("y", bottom - height - 3);
    });
  }
})();
