"""Hand-written pages in several styles of page furniture, and the two real seed pages.

The slow tests use ``real_encoder`` from ``tests/conftest.py``: one model per session.

A page is written one block per line: ``+`` marks article content that must be
kept whole, ``-`` marks furniture that must go, ``*`` a wire or contributor credit
that must be kept as the article's credit, ``~`` a caption with a label or photo
credit to strip (checked by the tests that use it). The pages are invented in the
house styles of a public broadcaster, a wire agency, a newspaper with a
newsletter box, a blog and a paywalled site, so the rules are tested on more
than the seeds' strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True)
class Page:
    text: str
    content: list[str]
    furniture: list[str]
    credits: list[str]

    @property
    def headline(self) -> str:
        return self.content[0]


def make_page(marked: str) -> Page:
    """Build a page from lines marked ``+`` (content), ``-`` (furniture), ``*`` (credit) or ``~`` (both)."""
    lines = [line for line in marked.strip().splitlines() if line.strip()]
    assert all(line[:2] in ("+ ", "- ", "* ", "~ ") for line in lines), "every line needs a +, -, * or ~ mark"
    content = [line[2:] for line in lines if line.startswith("+ ")]
    furniture = [line[2:] for line in lines if line.startswith("- ")]
    credits = [line[2:] for line in lines if line.startswith("* ")]
    return Page("\n".join(line[2:] for line in lines), content, furniture, credits)


BROADCASTER = """
- Skip to content
- Home
+ Putin tells Assad foreign forces will leave Syria
- Published
- 17 May 2018
- Share this page
- Related Topics
- Syrian civil war
- Image source, Getty Images
+ Russian President Vladimir Putin has told Syria's Bashar al-Assad that foreign forces will start leaving the country after the Syrian army's recent gains.
+ The two leaders met in the Black Sea resort of Sochi on Thursday, the Kremlin said.
+ Mr Putin said the withdrawal would follow "the onset of a more active phase of the political process".
+ It was not clear which forces he meant. Russia, Iran and Turkey all have troops in Syria, as does the US-led coalition fighting the Islamic State group.
+ Reaction in Damascus
+ Mr Assad said Syria was ready to work on a new constitution with the help of the United Nations, according to state media.
- More on this story
- Russia 'ready to send troops to Syria'
- 7 May 2018
- Syria war: What we know about the Douma attack
- 13 April 2018
- Related Topics
- Syrian civil war
- Vladimir Putin
- Top Stories
- Storm leaves thousands without power across the north
- Copyright 2018 BBC. All rights reserved.
"""  # noqa: E501 - pages keep one real paragraph per line

WIRE = """
+ Putin tells Assad foreign troops will leave Syria
- By Vladimir Isachenkov and Sarah El Deeb
- May 17, 2018 10:22 AM EDT
+ MOSCOW (AP) — Russian President Vladimir Putin told Syrian President Bashar Assad on Thursday that foreign troops would pull out of Syria as the political settlement there advances.
+ Putin hosted Assad at his residence in the Black Sea resort of Sochi. The Kremlin said the two leaders discussed the fighting and the political process.
+ "We proceed from the assumption that with the significant victories and success of the Syrian army in fighting terrorists, with the start of the political process, foreign armed forces will withdraw," Putin said.
+ Putin's envoy Alexander Lavrentyev later said the statement referred to all foreign troops, including those from the U.S., Turkey, Iran and the Lebanese Hezbollah group.
+ U.S. Gen. Joseph Votel said last month that American forces would stay in the country's northeast until the Islamic State group is defeated.
* Associated Press writer Sarah El Deeb in Beirut contributed to this report.
* Reporting by Vladimir Soldatkin; Writing by Andrew Osborn; Editing by Peter Graff
- Our Standards: The Thomson Reuters Trust Principles.
- Copyright 2018 The Associated Press. All rights reserved. This material may not be published, broadcast, rewritten or redistributed.
"""  # noqa: E501 - pages keep one real paragraph per line

NEWSPAPER = """
+ Putin tells Assad foreign forces will leave Syria
+ Russian leader says withdrawal will follow 'significant victories' by Syrian army
- Andrew Roth in Moscow
- Thu 17 May 2018 14.32 BST
- Last modified on Thu 17 May 2018 18.10 BST
+ Vladimir Putin has told Bashar al-Assad that foreign forces will begin to leave Syria, as the Syrian president made a surprise visit to Russia to thank Moscow for its military support.
+ The two leaders met in Sochi on Thursday, where Putin praised the "significant victories" of the Syrian army against rebel groups in recent months.
- Sign up to First Edition, our free daily newsletter – every weekday morning at 7am BST
- Privacy Notice: Newsletters may contain info about charities, online ads, and content funded by outside parties. For more information see our Privacy Policy. We use Google reCaptcha to protect our website and the Google Privacy Policy and Terms of Service apply.
- after newsletter promotion
+ It was not immediately clear which forces Putin had in mind, but analysts said the remark was most likely aimed at Iran, whose presence in Syria alarms Israel.
+ The Kremlin later said the withdrawal would be gradual and tied to progress in peace talks sponsored by Russia, Turkey and Iran.
- Explore more on these topics
- Syria
- Russia
- Vladimir Putin
- Middle East and north Africa
- Share
- Reuse this content
- Most viewed
- Heatwave to break records across southern Europe this weekend
"""  # noqa: E501 - pages keep one real paragraph per line

BLOG = """
+ Putin and Assad meet in Sochi: what it means
- Posted on May 17, 2018 by admin
- 3 min read
+ Russian President Vladimir Putin met his Syrian counterpart in Sochi on Thursday and told him that foreign forces would soon begin to leave Syria.
+ The announcement surprised many observers, who had expected Moscow to deepen its military involvement after the recent Israeli strikes on Iranian positions.
+ Whether Iran will heed the call is another matter, and the coming weeks will show how much weight the Kremlin really carries in Tehran.
- Posted in World News | Tagged Russia, Syria | Leave a comment
- Tags: Putin, Assad, Syria
- Leave a Reply
- Your email address will not be published. Required fields are marked *
- Name *
- Website
- Save my name, email, and website in this browser for the next time I comment.
- Post navigation
- Previous post
"""  # noqa: E501 - pages keep one real paragraph per line

PAYWALL = """
+ Putin Meets Assad in Sochi, Promises Foreign Forces Will Leave
+ Russian president cites Syrian army's 'victories' as reason for withdrawal
- Send in e-mailSend in e-mail
- Print
- Follow us on Twitter
+ Russian President Vladimir Putin met Syrian President Bashar Assad in Sochi on Thursday, the Kremlin said, and promised that foreign armed forces would start leaving Syria.
+ Putin, left, and Assad during their meeting in Sochi, May 17, 2018.
- READ MORE: Israel strikes Iranian targets in Syria
+ Israel has long demanded that Iranian forces leave Syria, and Prime Minister Benjamin Netanyahu raised the issue with Putin in Moscow this month.
+ A subscriber-only e-mail briefing sent by the Kremlin's press office later said the talks had lasted three hours and covered reconstruction.
* Reuters contributed to this report.
- Get the best of our journalism in your inbox
- Already a subscriber? Log in
- Most Popular
- Harbor town in the north tries to win back tourists after a hard winter.
- Harbor Town Bets on Tourists After Hard Winter
- A new exhibition of Bauhaus architecture opens in Jerusalem.
- Bauhaus in Jerusalem: Inside the New Exhibition
"""  # noqa: E501 - pages keep one real paragraph per line

AGENCY = """
- World News
- May 17, 2018 / 2:53 PM / Updated 6 years ago
+ Putin tells Assad foreign forces to pull out of Syria
- Vladimir Soldatkin
- 3 Min Read
~ FILE PHOTO: Russian President Vladimir Putin meets Syrian President Bashar al-Assad in Sochi, Russia May 17, 2018. Sputnik/Mikhail Klimentyev/Kremlin via REUTERS
+ SOCHI, Russia (Reuters) - Russian President Vladimir Putin told Syrian leader Bashar al-Assad on Thursday that foreign armed forces would withdraw from Syria following the Syrian army's battlefield successes.
+ Putin, speaking at a meeting with Assad in the Black Sea resort of Sochi, said the withdrawal would come with the start of the political process in Syria.
+ Kremlin foreign policy aide Yuri Ushakov later said Putin was talking about all foreign forces, including those of Iran.
* Reporting by Vladimir Soldatkin; Additional reporting by Maria Tsvetkova in Moscow; Writing by Christian Lowe; Editing by Andrew Osborn
- Our Standards: The Thomson Reuters Trust Principles.
"""  # noqa: E501 - pages keep one real paragraph per line

REGIONAL = """
- News|Syria's War
+ Putin: Foreign forces to leave Syria after army gains
+ Russian president tells Assad that 'significant victories' will lead to withdrawal of foreign troops from the country.
- 17 May 2018
- Listen to this article
~ Putin met Assad in the Black Sea resort of Sochi [Mikhail Klimentyev/Sputnik via AP]
+ Russian President Vladimir Putin has said foreign forces will begin to pull out of Syria, after the Syrian army made "significant victories" against rebel groups.
+ Putin made the remarks during a meeting with his Syrian counterpart Bashar al-Assad in the Russian city of Sochi on Thursday.
+ Several foreign powers, including Iran, Turkey and the United States, have troops on the ground in Syria.
- SOURCE: Al Jazeera and news agencies
- Advertisement
- Read more
- Israel strikes Iranian targets in Syria
- Iran vows to respond to Israeli attacks
"""  # noqa: E501 - pages keep one real paragraph per line

LOCAL = """
+ Putin tells Assad foreign troops will begin withdrawing from Syria
+ Russian leader says 'significant victories' by regime forces mean foreign militaries will leave, in apparent reference to Iran
- By TOI staff and Agencies
- 17 May 2018, 9:42 pm
- Edit
~ Illustrative: Russian President Vladimir Putin, right, and Syrian President Bashar Assad in Sochi, May 17, 2018. (Mikhail Klimentyev, Sputnik, Kremlin Pool Photo via AP)
+ Russian President Vladimir Putin on Thursday told his Syrian counterpart Bashar Assad that foreign troops would start withdrawing from Syria now that the regime has achieved significant military victories.
+ “We proceed from the fact that with the significant victories and success of the Syrian army in the fight against terrorism, foreign armed forces will be withdrawn,” Putin said.
- Read more: Netanyahu says Israel will act against Iran in Syria
+ Assad thanked Putin for Russia's support.
- Read more about:
- Vladimir Putin
- Bashar Assad
- Israel & the Region
- Comments
- You may also like
- The Israel Defense Forces prepare for war in the north
- IDF drills on the Golan Heights
"""  # noqa: E501 - pages keep one real paragraph per line

STYLES = {
    "agency": AGENCY,
    "regional": REGIONAL,
    "local": LOCAL,
    "broadcaster": BROADCASTER,
    "wire": WIRE,
    "newspaper": NEWSPAPER,
    "blog": BLOG,
    "paywall": PAYWALL,
}


@pytest.fixture(params=sorted(STYLES))
def styled_page(request: pytest.FixtureRequest) -> Page:
    return make_page(STYLES[request.param])


def _seed_paths() -> list[Path]:
    """The seed pages: the repository's copy, else the shared folder beside the repository."""
    root = Path(__file__).resolve().parents[2]
    for folder in (root / "seeds", root.parent / "shared" / "seeds"):
        paths = sorted(folder.glob("*.txt"))
        if paths:
            return paths
    return []


@pytest.fixture
def seed_texts() -> list[str]:
    paths = _seed_paths()
    if not paths:
        pytest.skip("no seed pages in seeds/ or ../shared/seeds")
    return [path.read_text(encoding="utf-8") for path in paths]
