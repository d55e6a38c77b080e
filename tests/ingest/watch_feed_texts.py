"""Feed entries written for the watch tests (invented events and places; long enough to count as full content)."""

BRIDGE_1 = (
    "The city council of Varn voted on Tuesday to close the old harbour bridge for six months of repairs, after "
    "inspectors found corroded cables under the eastern span. Mayor Elin Hask said the closure would begin on 3 "
    "March and that ferries would run every twenty minutes while the work lasts. \"We cannot keep a bridge open that "
    "engineers tell us is unsafe,\" Hask told reporters outside the town hall. The repairs are expected to cost 14 "
    "million euros, paid from the regional transport fund. Shop owners on the harbour front warned that the closure "
    "would cut their trade by a third, and asked the council for help with rents during the works. The council said "
    "it would consider a relief scheme at its next meeting in February."
)
BRIDGE_2 = (
    "Ferry operators in Varn said on Wednesday they would add two boats to the harbour crossing when the old bridge "
    "closes for repairs in March. The council decided this week to shut the bridge for six months after inspectors "
    "reported corroded cables under its eastern span. Ferry company director Pavel Orn said the extra boats would "
    "carry up to 400 passengers an hour and that tickets would cost the same as a bus fare. \"People will still get "
    "to work on time,\" Orn said. Mayor Elin Hask welcomed the plan and said the council would pay part of the cost "
    "of the extra crossings from the 14 million euro repair budget agreed for the bridge works."
)
FLOOD = (
    "Heavy rain flooded the lower streets of Toll on Thursday night, and fire crews pumped water from more than "
    "sixty homes near the river Sel. The regional weather office said 90 millimetres of rain fell in twelve hours, "
    "the most since records began in the town. No one was hurt, but the main road to the coast was closed until "
    "Friday afternoon while engineers checked a damaged culvert. Fire chief Mara Lund said her crews had worked "
    "through the night. \"The river rose faster than anyone expected,\" Lund said. The town council opened the "
    "school hall as a shelter for families who could not return home, and said it would publish a damage report "
    "next week."
)


def rss(title: str, items: list[tuple[str, str, str]]) -> str:
    """An RSS 2.0 feed of (guid, title, full text) items; texts are HTML-escaped into content:encoded."""
    from html import escape

    body = "".join(
        f"<item><guid>{g}</guid><title>{escape(t)}</title><link>https://news.example/{g}</link>"
        f"<pubDate>Tue, 14 Jan 2025 0{i}:00:00 GMT</pubDate>"
        f"<content:encoded>{escape('<p>' + x + '</p>')}</content:encoded></item>"
        for i, (g, t, x) in enumerate(items))
    return ('<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
            f"<channel><title>{escape(title)}</title><link>https://news.example/</link>{body}</channel></rss>")
