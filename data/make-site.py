#!/usr/bin/env python3
"""make-site.py: writes the static demo site the url-scrape sample crawls offline.

"Larkspur Tea & Kettle", a small fictional shop: an index, category pages, product pages, a
journal of articles (English, German, French, Japanese), a legacy page in windows-1252 declared
by <meta>, a page with a UTF-8 byte-order mark, a robots.txt, a /private/ page robots.txt
forbids, and two non-HTML files. It also writes data/site-urls.txt, the URL list for the demo
server (http://127.0.0.1:8088/ by default), with comments, duplicates, invalid lines and the
error paths the server answers dynamically (/_status/404, /_status/500, /_status/503,
/_redirect/loop, /_slow).

Run:   python3 data/make-site.py
Needs: Python 3.8+, standard library only. Deterministic: the same script writes the same bytes.
       Exits 1 if a check fails or the site holds 500 KB or more.
"""

import html
import html.parser
import json
import pathlib
import shutil
import sys
import urllib.parse

HERE = pathlib.Path(__file__).resolve().parent
SITE = HERE / "site"
URL_LIST = HERE / "site-urls.txt"
HOST = "http://127.0.0.1:8088"
MAX_TOTAL_BYTES = 500 * 1024
BROKEN_LINK = "products/tetsubin-classic.html"  # linked from teaware, missing on purpose
SHOP = "Larkspur Tea &amp; Kettle"

CATEGORIES = [
    ("green-tea", "Green tea", "Steamed and pan-fired green teas from Japan and China."),
    ("black-tea", "Black tea", "Malty Assams, floral Darjeelings and smoky Lapsang."),
    ("oolong", "Oolong", "Rolled and twisted oolongs from Taiwan and Fujian."),
    ("herbal", "Herbal infusions", "Caffeine-free blends of rooibos, mint and flowers."),
    ("teaware", "Teaware", "Kettles, pots, cups and the small tools of a good brew."),
]

# slug, name, category, price (EUR), sku, short description, paragraphs, facts
PRODUCTS = [
    ("sencha-asahi", "Sencha Asahi", "green-tea", "9.50", "GT-001",
     "A bright, grassy everyday sencha from Shizuoka.",
     ["Asahi is steamed for just under a minute, which keeps the leaf whole and the cup a clear "
      "yellow-green. Expect cut grass, a little spinach and a clean, brothy finish.",
      "Brew it cooler than you think: 70 °C water and 90 seconds bring out the sweetness without "
      "the bitterness."],
     [("Origin", "Shizuoka, Japan"), ("Harvest", "First flush (shincha)"), ("Weight", "100 g")]),
    ("gyokuro-kin", "Gyokuro Kin (玉露)", "green-tea", "24.00", "GT-002",
     "Shade-grown gyokuro with a deep umami character.",
     ["The bushes are shaded for three weeks before picking, which raises the leaf's "
      "chlorophyll and amino acids. The result is a thick, savoury cup that tastes of the sea.",
      "Use plenty of leaf and water at 55–60 °C. Small cups, several infusions."],
     [("Origin", "Yame, Fukuoka"), ("Shading", "21 days"), ("Weight", "50 g")]),
    ("longjing-dragon-well", "Longjing “Dragon Well”", "green-tea", "16.80", "GT-003",
     "Flat, pan-fired leaves with a chestnut sweetness.",
     ["Pressed flat by hand in hot woks, Longjing has a nutty, toasty aroma and a smooth body.",
      "Watch the leaves stand upright in a tall glass; that is half the pleasure."],
     [("Origin", "Hangzhou, Zhejiang"), ("Grade", "Mingqian (pre-Qingming)"), ("Weight", "75 g")]),
    ("matcha-ceremonial", "Matcha, ceremonial grade", "green-tea", "29.00", "GT-004",
     "Stone-ground tencha for usucha and koicha.",
     ["Vivid green, fine as talc and sweet rather than bitter. Whisk 2 g into 70 ml of water at "
      "75 °C until a fine foam forms.",
      "Keep the tin in the fridge once opened and use it within six weeks."],
     [("Origin", "Uji, Kyoto"), ("Weight", "30 g tin")]),
    ("assam-halmari", "Assam Halmari Gold", "black-tea", "11.20", "BT-001",
     "A malty, golden-tipped Assam that takes milk well.",
     ["A second-flush Assam full of golden tips: honeyed, malty and strong enough for a "
      "splash of milk.",
      "Boiling water, four minutes."],
     [("Origin", "Assam, India"), ("Flush", "Second"), ("Weight", "100 g")]),
    ("darjeeling-first-flush", "Darjeeling — first flush", "black-tea", "18.40", "BT-002",
     "Light, floral and muscatel: the spring picking.",
     ["First-flush Darjeelings are barely oxidised and taste of spring flowers and green "
      "grapes. Drink it without milk.",
      "Water just off the boil, three minutes; a second, longer infusion works too."],
     [("Origin", "Castleton estate, Darjeeling"), ("Flush", "First"), ("Weight", "100 g")]),
    ("lapsang-souchong", "Lapsang Souchong", "black-tea", "8.90", "BT-003",
     "Pine-smoked black tea from the Wuyi mountains.",
     ["Dried over pinewood fires, this is the tea of campfires and cold evenings. Smoky but not "
      "harsh, with a sweet, dried-longan finish."],
     [("Origin", "Fujian, China"), ("Weight", "100 g")]),
    ("earl-grey-creme", "Earl Grey crème brûlée", "black-tea", "10.50", "BT-004",
     "Bergamot, vanilla and a hint of caramel.",
     ["Our best-seller: Ceylon black tea scented with bergamot oil and flecked with vanilla and "
      "caramelised sugar pieces. Dessert in a cup."],
     [("Base", "Ceylon black tea"), ("Weight", "100 g")]),
    ("tieguanyin", "Tieguanyin 铁观音", "oolong", "19.90", "OL-001",
     "Iron Goddess: a rolled, orchid-scented oolong.",
     ["Lightly oxidised and tightly rolled, Tieguanyin unfurls over five or six infusions, each "
      "a little different: orchid, lilac, then cream.",
      "Rinse the leaves once, then brew short infusions at 90 °C."],
     [("Origin", "Anxi, Fujian"), ("Oxidation", "about 20 %"), ("Weight", "75 g")]),
    ("dong-ding", "Dong Ding oolong", "oolong", "21.50", "OL-002",
     "Roasted Taiwanese oolong with notes of honey and toast.",
     ["From the 'Frozen Summit' of Nantou county: medium oxidation and a charcoal roast give "
      "this oolong its bread-crust and honey character."],
     [("Origin", "Nantou, Taiwan"), ("Roast", "Medium charcoal"), ("Weight", "75 g")]),
    ("rooibos-kapstadt", "Rooibos „Kapstadt“", "herbal", "7.20", "HB-001",
     "South African red bush with orange peel and cinnamon.",
     ["Naturally caffeine-free and forgiving: rooibos never turns bitter, so steep it as long as "
      "you like."],
     [("Origin", "Cederberg, South Africa"), ("Caffeine", "None"), ("Weight", "100 g")]),
    ("peppermint-moroccan", "Moroccan peppermint", "herbal", "6.40", "HB-002",
     "Whole-leaf nana mint for the evening pot.",
     ["Cool and sweet, and good with a little green tea and sugar, the Moroccan way."],
     [("Origin", "Morocco"), ("Caffeine", "None"), ("Weight", "50 g")]),
    ("chamomile-flowers", "Chamomile flowers", "herbal", "6.90", "HB-003",
     "Whole Egyptian chamomile blossoms.",
     ["Honeyed and apple-like; a cup before bed."],
     [("Origin", "Fayoum, Egypt"), ("Weight", "50 g")]),
    ("kettle-gooseneck", "Gooseneck kettle, 0.9 l", "teaware", "64.00", "TW-001",
     "A temperature-controlled kettle with a fine spout.",
     ["Set any temperature from 40 to 100 °C in one-degree steps and hold it for an hour. The "
      "narrow spout pours slowly and precisely."],
     [("Capacity", "0.9 l"), ("Power", "1200 W"), ("Material", "Stainless steel")]),
    ("kyusu-tokoname", "Tokoname kyusu", "teaware", "42.00", "TW-002",
     "A side-handled clay teapot for Japanese green teas.",
     ["Hand-made in Tokoname from iron-rich red clay, with a fine ceramic mesh filter that "
      "holds back even the smallest sencha leaves."],
     [("Capacity", "280 ml"), ("Material", "Red clay")]),
    ("cups-celadon", "Celadon cups, set of two", "teaware", "22.00", "TW-003",
     "Pale green glazed cups for oolong and green tea.",
     ["The celadon glaze shows off a tea's colour. Each cup holds 80 ml."],
     [("Capacity", "80 ml each"), ("Material", "Porcelain")]),
]

# slug, lang, title, description, headline, paragraphs, related product slugs, bom
ARTICLES = [
    ("brewing-green-tea", "en", "How to brew green tea without bitterness",
     "Water temperature, leaf and time: the three dials of a good cup of green tea.",
     "Brewing green tea without bitterness",
     ["Bitterness in green tea almost always comes from water that is too hot or a steep that "
      "is too long. Catechins dissolve quickly above 80 °C; the sweet amino acids come out "
      "at lower temperatures.",
      "Start with 3 g of leaf for 250 ml of water at 70–75 °C, and steep for one to two "
      "minutes. Taste, then adjust one dial at a time.",
      "Japanese steamed teas such as sencha like it cooler; Chinese pan-fired teas such as "
      "Longjing tolerate a little more heat."],
     ["sencha-asahi", "longjing-dragon-well", "kettle-gooseneck"], False),
    ("water-temperature", "en", "A guide to water temperature for tea",
     "From 55 °C for gyokuro to a rolling boil for Assam: a table of temperatures.",
     "Water temperature, tea by tea",
     ["Different teas want different water. The table below is a starting point, not a rule.",
      "If you have no thermometer: water that has just stopped boiling is about 95 °C; after "
      "five minutes in an open kettle it is near 80 °C."],
     ["gyokuro-kin", "assam-halmari", "kettle-gooseneck"], False),
    ("teezeremonie", "de", "Die japanische Teezeremonie: eine kurze Einführung",
     "Was bei einer Teezeremonie geschieht, und warum Ruhe wichtiger ist als Perfektion.",
     "Die japanische Teezeremonie",
     ["Die Teezeremonie (茶道, sadō) ist weniger ein Rezept als eine Haltung: Gastgeber und Gäste "
      "konzentrieren sich ganz auf den Augenblick.",
      "Für den Anfang genügen eine Schale, ein Bambusbesen und guter Matcha. Wichtiger als jede "
      "Bewegung ist die Ruhe, mit der man sie ausführt.",
      "Übrigens: Größe und Form der Schale verändern den Geschmack spürbar."],
     ["matcha-ceremonial", "kyusu-tokoname"], False),
    ("the-au-jasmin", "fr", "Le thé au jasmin : parfumé sept fois",
     "Comment les fleurs de jasmin parfument le thé vert, nuit après nuit.",
     "Le thé au jasmin",
     ["À la saison des fleurs, le thé vert est mêlé aux boutons de jasmin fraîchement cueillis, "
      "qui s'ouvrent pendant la nuit et libèrent leur parfum.",
      "Les meilleurs thés sont parfumés jusqu'à sept fois ; les fleurs fanées sont ensuite "
      "retirées à la main. Infusez à 80 °C pendant deux minutes."],
     ["longjing-dragon-well", "cups-celadon"], False),
    ("matcha-guide", "ja", "抹茶の点て方 — Whisking matcha",
     "抹茶をおいしく点てるための基本：分量、湯温、茶筅の動かし方。",
     "抹茶の点て方",
     ["抹茶2グラムを茶碗に入れ、75度ほどのお湯を70ミリリットル注ぎます。",
      "茶筅を「M」の字を描くように素早く動かし、細かい泡が立つまで点てます。",
      "(English: sift 2 g of matcha, add 70 ml of water at about 75 °C and whisk in a quick M "
      "shape until a fine foam forms.)"],
     ["matcha-ceremonial"], True),
    ("kettle-care", "en", "Looking after your kettle and teapot",
     "Descaling, seasoning clay pots, and why you should never use soap on a kyusu.",
     "Kettle and teapot care",
     ["Hard water leaves scale. Every few weeks, boil a 1:1 mix of water and white vinegar in "
      "the kettle, leave it an hour, then rinse twice.",
      "Unglazed clay pots absorb the tea's oils. Rinse them with hot water only, and keep one "
      "pot for one kind of tea."],
     ["kettle-gooseneck", "kyusu-tokoname"], False),
]


def esc(text):
    return html.escape(text, quote=True)


def category_name(slug):
    return next(name for s, name, _ in CATEGORIES if s == slug)


def product(slug):
    return next(p for p in PRODUCTS if p[0] == slug)


def page(path, title, description, body, lang="en", canonical=None, head_extra="",
         breadcrumbs=()):
    """A page in the shop's common layout; path is the page's path from the site root."""
    canonical = canonical if canonical is not None else "/" + path.replace("index.html", "")
    lines = ["<!DOCTYPE html>"]
    lines.append(f'<html lang="{lang}">' if lang else "<html>")
    lines.append("<head>")
    lines.append('<meta charset="utf-8">')
    lines.append(f"<title>{esc(title)} | {SHOP}</title>")
    if description:
        lines.append(f'<meta name="description" content="{esc(description)}">')
    if canonical:
        lines.append(f'<link rel="canonical" href="{canonical}">')
    lines.append('<link rel="stylesheet" href="/style.css">')
    if head_extra:
        lines.append(head_extra)
    lines.append("</head>")
    lines.append("<body>")
    lines.append('<header><a class="logo" href="/">' + SHOP + "</a>")
    lines.append("<nav>")
    for slug, name, _ in CATEGORIES:
        lines.append(f'  <a href="/category/{slug}.html">{esc(name)}</a>')
    lines.append('  <a href="/journal/">Journal</a>')
    lines.append('  <a href="/about.html">About</a>')
    lines.append("</nav></header>")
    if breadcrumbs:
        crumbs = ['<a href="/">Home</a>'] + [f'<a href="{h}">{esc(t)}</a>' for h, t in breadcrumbs]
        lines.append('<nav class="breadcrumbs">' + " › ".join(crumbs) + "</nav>")
    lines.append("<main>")
    lines.append(body.strip("\n"))
    lines.append("</main>")
    lines.append("<footer>")
    lines.append('<a href="/shipping.html">Shipping</a> · <a href="/faq.html">FAQ</a> · '
                 '<a href="/contact.html">Contact</a> · '
                 '<a href="https://example.org/fair-tea-pledge">Fair tea pledge</a>')
    lines.append("<p>© 2024 Larkspur Tea &amp; Kettle, 12 Mill Lane, Harrowgate.</p>")
    lines.append("</footer>")
    lines.append("<script>document.documentElement.classList.add('js');</script>")
    lines.append("</body>")
    lines.append("</html>")
    return "\n".join(lines) + "\n"


def product_card(p):
    slug, name, _, price, sku, short = p[:6]
    return (f'<li class="product"><a href="/products/{slug}.html">{esc(name)}</a>'
            f' <span class="price" data-sku="{sku}">€{price}</span><br>{esc(short)}</li>')


def write(files, rel, text, encoding="utf-8", bom=False):
    data = text.encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    files[rel] = data


def build():
    files = {}

    # Home page.
    featured = [product(s) for s in
                ("gyokuro-kin", "darjeeling-first-flush", "tieguanyin", "kettle-gooseneck")]
    body = ["<h1>Good tea, carefully chosen</h1>",
            "<p>We are a small shop in Harrowgate buying directly from growers in Japan, China, "
            "Taiwan and India. Every tea here has been tasted, brewed and argued over.</p>",
            "<h2>Shop by category</h2>", "<ul>"]
    for slug, name, blurb in CATEGORIES:
        body.append(f'<li><a href="/category/{slug}.html">{esc(name)}</a>: {esc(blurb)}</li>')
    body += ["</ul>", "<h2>Featured</h2>", '<ul class="products">']
    body += [product_card(p) for p in featured]
    body += ["</ul>", "<h2>From the journal</h2>", "<ul>"]
    for a in ARTICLES[:3]:
        body.append(f'<li><a href="/journal/{a[0]}.html">{esc(a[4])}</a></li>')
    body += ["</ul>",
             '<p><a href="/legacy/catalogue-1998.html">Our first catalogue (1998)</a> · '
             '<a href="/data/prices.json">Price list (JSON)</a> · '
             '<a href="/notes.txt">Plain-text notes</a></p>']
    write(files, "index.html",
          page("index.html", "Loose-leaf tea and teaware",
               "Larkspur Tea & Kettle: loose-leaf green, black, oolong and herbal teas, and "
               "the teaware to brew them.", "\n".join(body)))

    # Category pages.
    for slug, name, blurb in CATEGORIES:
        items = [p for p in PRODUCTS if p[2] == slug]
        body = [f"<h1>{esc(name)}</h1>", f"<p>{esc(blurb)}</p>", '<ul class="products">']
        body += [product_card(p) for p in items]
        body.append("</ul>")
        body.append(f"<p>{len(items)} products. Prices include VAT.</p>")
        if slug == "teaware":
            body.append('<p>Looking for the old cast-iron pot? It is '
                        f'<a href="/{BROKEN_LINK}">no longer stocked</a>.</p>')
        write(files, f"category/{slug}.html",
              page(f"category/{slug}.html", name, f"{name} at Larkspur Tea & Kettle: {blurb}",
                   "\n".join(body), breadcrumbs=[(f"/category/{slug}.html", name)]))

    # Product pages.
    for slug, name, cat, price, sku, short, paragraphs, facts in PRODUCTS:
        siblings = [p for p in PRODUCTS if p[2] == cat and p[0] != slug][:3]
        body = [f'<article class="product" itemscope>',
                f"<h1>{esc(name)}</h1>",
                f'<p class="price" data-sku="{sku}">€{price}</p>',
                f'<img src="/img/products/{slug}.jpg" alt="{esc(name)}" width="480" height="360">',
                f'<img src="/img/products/{slug}-detail.jpg" alt="" width="160" height="120">',
                f'<p class="lead">{esc(short)}</p>']
        body += [f"<p>{esc(t)}</p>" for t in paragraphs]
        body.append("<dl>")
        for k, v in facts:
            body.append(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>")
        body.append("</dl>")
        body.append(f'<p><a href="#reviews">Read reviews</a> · '
                    f'<a href="/products/{slug}.html#reviews">Permalink to reviews</a></p>')
        body.append('<section id="reviews"><h2>Reviews</h2>'
                    '<p>No reviews yet. <a href="/contact.html">Tell us what you think</a>.</p>'
                    "</section>")
        body.append("</article>")
        if siblings:
            body.append("<h2>You may also like</h2><ul>")
            body += [f'<li><a href="{s[0]}.html">{esc(s[1])}</a></li>' for s in siblings]
            body.append("</ul>")
        write(files, f"products/{slug}.html",
              page(f"products/{slug}.html", name, f"{short} {name}, €{price}.", "\n".join(body),
                   breadcrumbs=[(f"/category/{cat}.html", category_name(cat)),
                                (f"/products/{slug}.html", name)]))

    # Journal: index and articles.
    body = ["<h1>Journal</h1>", "<p>Notes on brewing, tea culture and looking after teaware.</p>",
            "<ul>"]
    for slug, lang, title, desc, headline, *_ in ARTICLES:
        body.append(f'<li lang="{lang}"><a href="{slug}.html">{esc(headline)}</a>: '
                    f"{esc(desc)}</li>")
    body.append("</ul>")
    write(files, "journal/index.html",
          page("journal/index.html", "Journal", "Articles on brewing and tea culture.",
               "\n".join(body), breadcrumbs=[("/journal/", "Journal")]))
    for slug, lang, title, desc, headline, paragraphs, related, bom in ARTICLES:
        body = ["<article>", f"<h1>{esc(headline)}</h1>",
                '<p class="byline">By <span class="author">Mira Okafor</span></p>']
        body += [f"<p>{esc(t)}</p>" for t in paragraphs]
        if slug == "water-temperature":
            body.append("<table><tr><th>Tea</th><th>°C</th><th>Minutes</th></tr>")
            for tea, temp, mins in (("Gyokuro", "55–60", "2"), ("Sencha", "70", "1½"),
                                    ("Oolong", "90", "1"), ("Black", "95–100", "3–4"),
                                    ("Herbal", "100", "5+")):
                body.append(f"<tr><td>{tea}</td><td>{temp}</td><td>{mins}</td></tr>")
            body.append("</table>")
        body.append("</article>")
        body.append("<h2>Teas mentioned</h2><ul>")
        body += [f'<li><a href="../products/{r}.html">{esc(product(r)[1])}</a></li>'
                 for r in related]
        body.append("</ul>")
        write(files, f"journal/{slug}.html",
              page(f"journal/{slug}.html", title, desc, "\n".join(body), lang=lang,
                   breadcrumbs=[("/journal/", "Journal"), (f"/journal/{slug}.html", headline)]),
              bom=bom)

    # About, contact, FAQ (language from a content-language meta), shipping.
    write(files, "about.html", page(
        "about.html", "About us",
        "Who we are: a family tea shop buying directly from small growers since 1998.",
        """
<h1>About us</h1>
<p>Larkspur began in 1998 as a market stall selling three teas. Today we stock a few dozen,
and we still taste every batch before it goes on sale.</p>
<p>We visit our growers, pay above fair-trade minimums and print each tea's estate and harvest
on the label. Read the <a href="/legacy/catalogue-1998.html">first catalogue</a> for a laugh.</p>
"""))
    write(files, "contact.html", page(
        "contact.html", "Contact", None,
        """
<h1>Contact</h1>
<p>Write to <a href="mailto:hello@larkspur.example">hello@larkspur.example</a> or call
<a href="tel:+441234567890">+44 1234 567890</a>, Tuesday to Saturday, 10:00–17:00.</p>
<address>Larkspur Tea &amp; Kettle<br>12 Mill Lane<br>Harrowgate HG1 2AB</address>
<form action="/contact" method="post"><label>Message <textarea name="m"></textarea></label>
<button>Send</button></form>
"""))
    write(files, "faq.html", page(
        "faq.html", "Frequently asked questions",
        "How long tea keeps, how we ship, and what to do if a parcel is late.",
        """
<h1>Frequently asked questions</h1>
<h2 id="storage">How long does tea keep?</h2>
<p>Green teas are best within six months, black teas and oolongs within two years. Keep tea
cool, dark and away from spices.</p>
<h2 id="shipping">When will my order arrive?</h2>
<p>See <a href="/shipping.html">shipping</a>. Orders placed before 14:00 leave the same day.</p>
<h2 id="returns">Can I return an opened tea?</h2>
<p>If you don't like it, yes: <a href="/contact.html">tell us</a> within 30 days.</p>
<p><a href="#storage">Back to the top</a></p>
""", lang=None, head_extra='<meta http-equiv="content-language" content="en-GB">'))
    write(files, "shipping.html", page(
        "shipping.html", "Shipping and delivery",
        "Delivery times and costs for the UK, the EU and the rest of the world.",
        """
<h1>Shipping and delivery</h1>
<table>
<tr><th>Where</th><th>Time</th><th>Cost</th></tr>
<tr><td>United Kingdom</td><td>1–2 days</td><td>£3.50, free over £40</td></tr>
<tr><td>European Union</td><td>3–6 days</td><td>€9.00</td></tr>
<tr><td>Rest of the world</td><td>7–14 days</td><td>€18.00</td></tr>
</table>
<p>Questions? See the <a href="/faq.html#shipping">FAQ</a>.</p>
"""))

    # A legacy page in windows-1252, declared only by a meta http-equiv, in 1998's markup.
    legacy = """<HTML>
<HEAD>
<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=windows-1252">
<TITLE>Larkspur Tea – Catalogue 1998</TITLE>
<META NAME="description" CONTENT="Our very first mail-order catalogue, from 1998: “fine teas at honest prices”.">
<LINK REL="canonical" HREF="/legacy/catalogue-1998.html">
</HEAD>
<BODY BGCOLOR="#FFFFF0">
<CENTER><FONT FACE="Georgia" SIZE="+2"><B>Larkspur Tea</B></FONT><BR>
<I>“Fine teas at honest prices” – since 1998</I></CENTER>
<HR>
<TABLE BORDER="1" CELLPADDING="4">
<TR><TH>Tea</TH><TH>Price</TH></TR>
<TR><TD>Darjeeling, first flush</TD><TD>£4.20 / €6.10</TD></TR>
<TR><TD>Thé à la menthe</TD><TD>£2.10 / €3.05</TD></TR>
<TR><TD>Crème brûlée Earl Grey</TD><TD>£3.30 / €4.80</TD></TR>
<TR><TD>Gunpowder “Temple of Heaven”</TD><TD>£2.90 / €4.20</TD></TR>
</TABLE>
<P>Orders by post to 12 Mill Lane… or by telephone. Café owners: ask about wholesale.</P>
<P><A HREF="../index.html">Today’s shop</A> | <A HREF="/about.html">About us</A></P>
<P><FONT SIZE="-1">© 1998 Larkspur Tea. Prices include VAT at 17½%.</FONT></P>
</BODY>
</HTML>
"""
    write(files, "legacy/catalogue-1998.html", legacy, encoding="cp1252")

    # A page robots.txt forbids.
    write(files, "private/staff-notes.html", page(
        "private/staff-notes.html", "Staff notes (private)",
        "Internal notes. Crawlers that honour robots.txt never fetch this page.",
        """
<h1>Staff notes</h1>
<p>Stock-take on Monday. The Gyokuro supplier raises prices in spring.</p>
<p>If you can read this in a crawl's output, the crawler ignored robots.txt.</p>
""", canonical=""))

    # robots.txt: everyone is kept out of /private/; only some other bot must slow down.
    files["robots.txt"] = (
        "# robots.txt for the forkline demo site\n"
        "User-agent: *\n"
        "Disallow: /private/\n"
        "\n"
        "# A crawl delay only for another agent, so the sample run (which matches '*') stays fast.\n"
        "User-agent: SlowBot\n"
        "Crawl-delay: 10\n"
        "Disallow: /private/\n"
        "\n"
        "# The demo site serves {{origin}} as the origin it was asked on, so this holds on any port.\n"
        "Sitemap: {{origin}}/sitemap.xml\n"
    ).encode("ascii")

    # A sitemap index naming a gzipped sitemap (served gzipped from sitemaps/pages.xml) and a
    # plain one: url-scrape.sitemaps, or sitemap: true through robots.txt.
    files["sitemap.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        "  <sitemap><loc>{{origin}}/sitemaps/pages.xml.gz</loc></sitemap>\n"
        "  <sitemap><loc>{{origin}}/sitemaps/journal.xml</loc></sitemap>\n"
        "</sitemapindex>\n"
    ).encode("ascii")
    pages = ["index.html", "about.html", "contact.html", "faq.html", "shipping.html"]
    pages += [f"category/{slug}.html" for slug, _, _ in CATEGORIES]
    files["sitemaps/pages.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "".join(
            f"  <url><loc>{{{{origin}}}}/{p}</loc><lastmod>2024-11-0{1 + i % 9}</lastmod></url>\n"
            for i, p in enumerate(pages))
        + "</urlset>\n"
    ).encode("ascii")
    files["sitemaps/journal.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        "  <url><loc>{{origin}}/journal/index.html</loc><lastmod>2024-11-20T08:00:00Z</lastmod></url>\n"
        "  <url><loc>{{origin}}/journal/brewing-green-tea.html</loc></url>\n"
        "</urlset>\n"
    ).encode("ascii")

    # Non-HTML files.
    prices = {"currency": "EUR", "updated": "2024-11-01",
              "items": [{"sku": p[4], "name": p[1], "price": float(p[3])} for p in PRODUCTS]}
    files["data/prices.json"] = (
        json.dumps(prices, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    files["notes.txt"] = (
        "Larkspur Tea & Kettle: plain-text notes\n"
        "\n"
        "This file is text/plain. A scraper should record its type, size and hash and extract\n"
        "nothing from it, even though it mentions <html> and <title>tags</title>.\n"
    ).encode("utf-8")
    files["style.css"] = (
        "body { font-family: Georgia, serif; max-width: 46rem; margin: 0 auto; padding: 1rem; }\n"
        "header nav a { margin-right: .75rem; }\n"
        ".price { font-weight: bold; }\n"
        ".breadcrumbs { font-size: .9rem; color: #555; }\n").encode("ascii")
    return files


def url_list(files):
    pages = sorted(rel for rel in files if rel.endswith(".html") and not rel.startswith("private/"))
    lines = [
        "# URL list for the offline demo site (data/site/, written by data/make-site.py).",
        f"# The demo server serves data/site/ at {HOST}/ and answers the /_status/, /_redirect/",
        "# and /_slow paths itself. One URL per line; '#' starts a comment; blank lines are skipped.",
        "",
        "# The site's pages.",
        f"{HOST}/",
    ]
    lines += [f"{HOST}/{rel}" for rel in pages if rel != "index.html"]
    lines += [
        "",
        "# Duplicates: the same page under the same URL, and the index under another spelling.",
        f"{HOST}/",
        f"{HOST}/about.html",
        f"{HOST}/products/sencha-asahi.html",
        f"{HOST}/index.html",
        "",
        "# Not HTML: fetched, recorded, nothing extracted.",
        f"{HOST}/data/prices.json",
        f"{HOST}/notes.txt",
        "",
        "# Forbidden by robots.txt: skipped, never fetched.",
        f"{HOST}/private/staff-notes.html",
        "",
        "# Errors: a missing page, statuses the server returns on request, a redirect loop, and",
        "# a response slower than a short timeout.",
        f"{HOST}/{BROKEN_LINK}",
        f"{HOST}/_status/404",
        f"{HOST}/_status/500",
        f"{HOST}/_status/503",
        f"{HOST}/_redirect/loop",
        f"{HOST}/_slow",
        "",
        "# Invalid lines: reported, not fetched.",
        "ftp://127.0.0.1/pub/teas.csv",
        "not a url",
    ]
    return "\n".join(lines) + "\n"


class LinkCollector(html.parser.HTMLParser):
    """The href of every a and link element of a page."""

    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag in ("a", "link") and href is not None:
            self.hrefs.append(href)


def check(files):
    problems = []
    total = sum(len(b) for b in files.values())
    if total >= MAX_TOTAL_BYTES:
        problems.append(f"the site holds {total} bytes, not under {MAX_TOTAL_BYTES}")
    legacy = files["legacy/catalogue-1998.html"]
    if b"\x93" not in legacy or b"\x80" not in legacy:
        problems.append("the legacy page lacks windows-1252 bytes (curly quote, euro)")
    try:
        legacy.decode("utf-8")
        problems.append("the legacy page decodes as UTF-8; it must need its meta charset")
    except UnicodeDecodeError:
        pass
    if not files["journal/matcha-guide.html"].startswith(b"\xef\xbb\xbf"):
        problems.append("the matcha guide lacks its UTF-8 byte-order mark")
    pages = [rel for rel in files if rel.endswith(".html")]
    if not 30 <= len(pages) <= 40:
        problems.append(f"{len(pages)} pages, not 30 to 40")
    for rel in pages:
        text = files[rel].decode("cp1252" if rel.startswith("legacy/") else "utf-8-sig")
        links = LinkCollector()
        links.feed(text)
        # Every link within the site points at one of its files, except the one broken on purpose.
        for href in links.hrefs:
            url = urllib.parse.urljoin(f"{HOST}/{rel}", href)
            if not url.startswith(HOST + "/"):
                continue
            target = urllib.parse.urlsplit(url).path.lstrip("/")
            target = target + "index.html" if target == "" or target.endswith("/") else target
            if target not in files and target not in ("contact", BROKEN_LINK):
                problems.append(f"{rel}: link to missing /{target}")
    return total, problems


def main():
    files = build()
    total, problems = check(files)
    if problems:
        for p in problems:
            print("make-site.py: " + p, file=sys.stderr)
        return 1
    if SITE.exists():
        shutil.rmtree(SITE)
    for rel, data in sorted(files.items()):
        path = SITE / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    URL_LIST.write_text(url_list(files), encoding="utf-8")
    pages = sum(1 for rel in files if rel.endswith(".html"))
    print(f"wrote {len(files)} files ({pages} pages, {total} bytes) to {SITE} and {URL_LIST}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
