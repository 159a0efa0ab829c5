"""Reading rendered pages in tests with the standard library's HTML parser."""
from html.parser import HTMLParser


class Page(HTMLParser):
    """The parts of a page the tests look at: its title, its error summary (links and
    texts, in order), the position of the summary and of the first h1, the scripts,
    and every element's attributes by id."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.title, self.summary, self.scripts, self.by_id = "", [], [], {}
        self.summary_at = self.h1_at = None
        self._in_title = self._in_script = False
        self._summary_depth = 0
        self._link = None
        self._item = None
        self._count = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self._count += 1
        if "id" in attrs:
            self.by_id[attrs["id"]] = {"tag": tag, **attrs}
        if tag == "title":
            self._in_title = True
        if tag == "script":
            self.scripts.append(attrs)
            self._in_script = True
        if tag == "h1" and self.h1_at is None:
            self.h1_at = self._count
        if "data-error-summary" in attrs:
            self.summary_at, self._summary_depth = self._count, 1
        elif self._summary_depth and tag == "div":
            self._summary_depth += 1
        if self._summary_depth and tag == "li":
            self._item = [None, ""]
        if self._item is not None and tag == "a":
            self._item[0] = attrs.get("href")

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if tag == "script":
            self._in_script = False
        if self._summary_depth and tag == "li" and self._item is not None:
            self.summary.append((self._item[0], " ".join(self._item[1].split())))
            self._item = None
        if self._summary_depth and tag == "div":
            self._summary_depth -= 1

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        if self._in_script and data.strip():
            self.scripts[-1]["inline"] = data
        if self._item is not None:
            self._item[1] += data

    @property
    def problems(self):
        return [text for _, text in self.summary]


def page_of(response):
    return Page(response.get_data(as_text=True))
