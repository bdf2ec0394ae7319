"""The claims C1-C11 and their verdicts. Each rule takes tables and returns a Verdict computed from them, never typed.

`REGISTRY` is the one place that says, for each claim, what the article says in its own words, which reading of
it the report tests (and which other readings are plausible), the rule, its thresholds with their reasons, and the
chapter that tests it. The scorecard, the chapters' claim boxes and the README's method table come from it.

Verdict words (from the guide): supported, partly supported, not supported, not testable with public data.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

SUPPORTED = "supported"
PARTLY = "partly supported"
NOT_SUPPORTED = "not supported"
UNTESTABLE = "not testable with public data"
VERDICTS = (SUPPORTED, PARTLY, NOT_SUPPORTED, UNTESTABLE)


@dataclass(frozen=True)
class Claim:
    id: str
    text: str                 # short English paraphrase
    quote: str                # the article's words (traditional Chinese, as printed)
    chapter: str              # the notebook that tests it
    reading: str              # what exactly is tested
    rule: str                 # how the verdict is decided
    alternatives: tuple = ()  # other plausible readings, each also computed in the chapter's sensitivity table
    thresholds: tuple = ()    # (name, value, reason)


REGISTRY = {c.id: c for c in [
    Claim("C1", "On 2024-05-21 Alibaba Cloud cut nine main Qwen models; Qwen-Long input fell to 0.0005 yuan per 1K tokens",
          "9款主力大模型全面降價 … Qwen Long API輸入價格更是降到了0.0005元/千tokens", "01_timeline",
          "Qwen-Long's sourced input price after 21 May 2024 is 0.0005 yuan per 1K tokens, and the announcement "
          "covered nine models (its own count, from announcements.csv).",
          "Supported if the price matches and the announcement says nine or more models; partly if the price "
          "matches but the count is not attested; not supported if the price differs.",
          ("the count attested only by price rows", "grade-C sources left out", "each single source left out"),
          (("models", 9, "the article's own number"),)),
    Claim("C2", "Before that, ByteDance's Doubao main model was already priced at 0.0008 yuan per 1K tokens",
          "豆包主力大模型在企業市場的定價已經卷到了0.0008元/千tokens", "01_timeline",
          "A Doubao pro model's sourced input list price before 21 May 2024 is 0.0008 yuan per 1K tokens.",
          "Supported if such a price is sourced before 21 May 2024; not supported if Doubao's pro prices differ.",
          ("grade-C sources left out", "each single source left out")),
    Claim("C3", "Baidu, Tencent and iFlytek followed at once", "百度、騰訊、科大訊飛等紛紛跟進", "01_timeline",
          "Each of the three named rivals announced a cut within a few days of Alibaba's.",
          "Supported if all three cut within the window; partly if some did; not supported if none did.",
          ("'at once' read as the same day or the next", "'at once' read as within a week",
           "grade-C sources left out", "each single source left out"),
          (("window", 2, "'at once' (紛紛跟進): on the same day or within two"),)),
    Claim("C4", "Alibaba Cloud had already announced big cloud-product price cuts in February 2024",
          "已經在2月官宣過云產品大降價", "03_cloud_extension",
          "An Alibaba Cloud list-price cut across its ordinary (non-LLM) cloud products, announced in February 2024, "
          "and whether it was big (大降價), from the cut's average and largest depth as its sources state them.",
          "Supported if a February 2024 cut is sourced and big: an average cut of 15% or more, or a largest cut of "
          "40% or more; partly if the cut is sourced but its depth is unknown or smaller; not supported if Alibaba's "
          "sourced cloud cuts fall in other months; not testable if none is sourced. Sources and grades are reported "
          "beside it.",
          ("'big' judged on the average cut alone", "'big' judged on the largest cut alone",
           "grade-C sources left out", "each single source left out"),
          (("average cut", 0.15, "cloud list-price cuts usually run in single digits to 20%, so 15% on average is "
                                 "large for the industry; moved to 10% and 20%"),
           ("largest cut", 0.40, "40% off one product is a cut few would call small; moved to 30% and 50%"))),
    Claim("C5", "LLMs extend cloud computing; apart from AI start-ups, cloud vendors are the most aggressive in LLMs",
          "大模型是云計算產業的一個延伸 … 除了OpenAI等頂級AI創業團隊外,在大模型相關技術上布局最激進的,正是云廠商",
          "03_cloud_extension",
          "Two halves, in the article's sense. Extension: where LLM use is counted by model family (so that a firm "
          "without a cloud can lead it), the cloud vendors' families carry more of it than the others'; counts of "
          "LLM tokens sold on clouds or of AI-cloud revenue are led by a cloud vendor by definition and are shown, "
          "not tested; Alibaba's own framing is reported. Most aggressive (布局最激進): investment and positioning, "
          "from sourced amounts of money put into AI and LLMs (investments.csv: capital spending plans and outlays on "
          "AI and cloud infrastructure, stated AI investment totals, stakes in model companies, funding rounds), each "
          "vendor's largest amount a year; the article sets start-ups such as OpenAI apart, so cloud vendors are "
          "compared with the established firms without a public cloud. A vendor with no sourced amount is not in the "
          "data, never a non-investor. First-round price moves (May-June 2024), the earlier proxy, are shown beside "
          "it and do not decide it.",
          "Extension holds if the cloud vendors' families' published share exceeds the others'. Aggressive holds if "
          "the cloud vendors' median yearly amount is at least twice the largest of the established firms without a "
          "cloud; above that largest but short of twice is not clearly more (a tie); below it fails. Supported if "
          "both halves hold; partly if one holds or the investment comparison ties; not supported if neither; not "
          "testable if neither can be measured (a side with no sourced amount cannot be compared).",
          ("start-ups included in the comparison", "'extension' read as a majority of the whole market",
           "'more aggressive' as 1.5 or 4 times the comparison group's largest",
           "the smallest cloud vendor instead of the median", "capital spending only (no stakes or funding rounds)",
           "grade-C sources left out", "each single source left out"),
          (("more aggressive", 2.0, "the amounts mix plans, spending, stakes and funding rounds from different "
                                    "sources, so only a gap of twice or more says 'more'; moved to 1.5 and 4"),
           ("yearly amount", "amount / years of its period", "a three-year plan and one year's spending compare as "
                                                             "rates; a one-off or undated amount counts in full, as "
                                                             "one year, which favours the comparison group"),
           ("proxy window", "2024-05-01 to 2024-06-30", "the shown price-move proxy: from DeepSeek-V2's launch to the "
                                                        "round-ups of who followed"))),
    Claim("C6", "China's daily LLM API calls will grow 100-fold in 2024, to 10 billion",
          "大模型API日調用次數在2024年將實現百倍增長,到達100億次", "04_predictions",
          "A China-wide count of daily LLM API calls (調用次數: calls, not tokens) near the end of 2024, against 10 "
          "billion a day and against a hundredfold rise during 2024 (我國: the whole country).",
          "Supported if such a count reaches 10 billion and grew 100-fold over 2024 (where the start is known); partly "
          "if one of the two holds; not supported if neither. Without a China-wide count of calls: not testable. The "
          "National Data Administration's national daily tokens and vendors' own daily calls are shown beside it as "
          "proxies; they measure something else and do not decide it.",
          ("the forecast read as Alibaba Cloud's own calls (the quote does not say which)",
           "the year's ends within 30 or 60 days instead of 45",
           "national daily tokens standing in for calls (a what-if: the proxy decides, tenfold or more = partly)",
           "grade-C sources left out", "each single source left out"),
          (("level", 10e9, "the article's 100億次 a day"),
           ("growth", 100, "the article's 百倍 (hundredfold) during 2024"),
           ("year_edge_days", 45, "sources date such figures by month or by the day they were stated, so a figure "
                                  "within 45 days of 1 January or 31 December 2024 stands for the year's start or end"))),
    Claim("C7", "AI inference costs will fall far faster than Moore's law", "AI推理成本的下降速度將遠遠超越摩爾定律",
          "04_predictions",
          "The price of a fixed level of capability falls far faster (three times or more) than Moore's law's factor "
          "a year (transistors doubling every two years). Tested on the report's own capability-adjusted prices, as "
          "Epoch AI measures them: at each date the cheapest blended list price (3 input tokens to 1 output) of a "
          "model on sale that scores at or above a fixed level, fitted log-linearly over time, at four levels "
          "(GPT-4 Turbo's and GPT-4o's GPQA Diamond scores, MMLU 83, GPT-4o's LMArena score), beside the rates "
          "others have published. These are prices, not costs: shrinking margins make prices fall faster than costs.",
          "Supported if every fitted level and every publisher's slowest rate reach three times Moore's factor (with "
          "no published rate, two fitted levels must); not supported if none does; partly supported otherwise; not "
          "testable with neither a fit nor a published rate. Alibaba's own figure is shown, not counted.",
          ("'far faster' as 2x or as 5x Moore's factor", "Moore's law as its 18-month variant",
           "the slower end of each fit's 90% interval", "each fitted capability level alone",
           "every level 5 points (or Elo) lower or higher", "self-reported scores left out",
           "independent evaluators only (Epoch AI, HELM, LMArena)", "input prices instead of the 3:1 blend",
           "Chinese vendors' models only", "successors not credited with their predecessor's score",
           "fits over half a year, or over a year and a half", "published rates left out",
           "grade-C sources left out", "each single source left out"),
          (("far", 3, "'far faster' (遠遠超越): at least three times Moore's factor a year"),
           ("moore", 1.414, "Moore's law as usually stated: transistors per chip doubling every two years"),
           ("blend", 0.75, "a single price per model: 3 input tokens to 1 output, a common convention"),
           ("min_fit_points", 3, "a line through two prices has no interval"),
           ("min_fit_days", 365, "a shorter record annualised turns a few months of noise into a yearly rate"),
           ("levels", "GPT-4 Turbo and GPT-4o on GPQA Diamond; MMLU 83; GPT-4o on LMArena",
            "the frontier before the war and when it began; a16z's GPT-4 level, beside its published rate; the "
            "widest coverage of Chinese models (one leaderboard snapshot)"))),
    Claim("C8", "Firms able to cut should have four traits: a leading base model, inference resources, a large user "
                "base, LLMs as core business", "「有能力、有資格」降價的公司應該具備四個特征", "05_who_can_cut",
          "Who could afford to cut, read with the hindsight the data give: the firms that kept cutting after the first "
          "round (May-June 2024) and stayed in the market to the newest data should all have the four traits, and the "
          "traits should set them apart from the firms that held their prices or withdrew. A firm's course comes from "
          "its own price history (price-lowering announcements, counted by announcement) and statements ('withdraw'); "
          "where the data stop too early it is 'not in the data'. Trait evidence is dated, so the mid-2024 view uses "
          "only what was public then.",
          "Supported if every firm that kept cutting has the traits and none of those that fell back does; partly if "
          "some kept cutting without them but at least one trait still sets the two groups apart; not supported if "
          "no trait does; not testable while the data do not reach a year past the first round.",
          ("strict reading: all four traits 'yes'", "loose reading: no trait an outright 'no'",
           "no hindsight: who moved on price in May-June 2024", "only trait evidence public by mid-2024",
           "grade-C sources left out", "each single source left out"),
          (("near all", 3, "the lenient reading of 'has the four traits': a score of 3 of 4 (partly = half) and no "
                          "outright 'no'"),
           ("sets apart", 0.5, "half the 0-1 scale: the difference between all 'partly' and all 'yes'; moved to 0.4 "
                               "and 0.6"),
           ("horizon", 365, "days of data after the first round before a firm's course is read"),
           ("present", 365, "days before the newest data within which a firm must still have a price row"))),
    Claim("C9", "01.AI (Kai-Fu Lee) and Baichuan (Wang Xiaochuan) said they would not follow the cuts",
          "李開復和王小川 … 「不會跟進大模型降價潮」", "05_who_can_cut",
          "Each founder is on record, in May-June 2024, saying the firm would not follow the price cuts (a statement "
          "with stance 'decline'). Criticism of the cuts, such as calling them lose-lose, is not a refusal.",
          "Supported if both are; partly if one is; not supported if neither is and the sources show them backing or "
          "announcing cuts; not testable if the sources show no position.",
          ("criticism of the cuts counted as refusing to follow", "grade-C sources left out",
           "each single source left out")),
    Claim("C10", "The fight recalls the 2014 Didi-Kuaidi subsidy war, but the giants now fight in person",
          "十年前滴滴和快的之間的網約車大戰 … 互聯網巨頭居於幕後 … 親自走到臺前",
          "06_ride_hailing",
          "The article's own contrast, as the main test: in 2014 the subsidy moves were made by apps the giants backed "
          "(Tencent behind Didi, Alibaba behind Kuaidi: sourced backing rows), not by the giants; in the first round "
          "of 2024 most firms that moved on price were the giants themselves, through their own clouds. The likeness "
          "is secondary: quick replies (a rival's move answered within days) or deep cuts in both wars. Moves are "
          "counted by announcement and by firm and day. The mergers that ended the taxi war are context only: the "
          "article does not mention them, and the data hold no table of LLM deals.",
          "Supported if both halves of the contrast hold and the wars share quick replies or deep cuts; partly if both "
          "halves hold without a likeness, or only one half holds; not supported if neither half holds.",
          ("quick replies and deep cuts as the likeness", "giants' share counted by announcement",
           "2024 read as the whole war to the newest data, not its first round", "grade-C sources left out",
           "each single source left out"),
          (("in person", 0.5, "at least half of the movers (and of the 2014 moves made by giant-backed apps); moved "
                              "to 0.4 and 0.6"),
           ("within days", 7, "a rival's reply within a week; moved to 3 and 14 days"),
           ("quick share", 0.5, "at least half of the replies quick; moved to 0.4 and 0.6"),
           ("deep cut", 0.9, "cuts of 90% or more, or a model made free, by at least two firms; moved to 80% and "
                             "95%"))),
    Claim("C11", "Commercially, the cuts aim at user growth and at taking the market quickly", "追求用戶增量、快速搶占市場",
          "03_cloud_extension",
          "Intent, read from what was said and done, not from growth after a cut. The article sets its commercial "
          "reading beside Alibaba's official reason (AI for all, 普惠) and speaks of Alibaba's cut. Said: an Alibaba "
          "Cloud executive tied the cuts to volume, users or share in 2024 (a keyword match on the paraphrase, "
          "shown in full). Done: where published shares pair first-round price movers with vendors known to have "
          "held back, the movers gained share against them; where usage is measured before and after the cuts, it "
          "grew faster after them.",
          "Supported if it was said and every measurable deed points the same way; partly if said but not borne out "
          "(or not measurable), or borne out but not said; not supported if neither; not testable if no first-round "
          "cut is in the data or nothing can be read.",
          ("'the cuts' read as every mover's (two or more movers said so)", "statements of any year",
           "'taking the market' read strictly as naming market share",
           "vendors with no sourced price move counted as holding back", "grade-C sources left out",
           "each single source left out"),
          (("faster", 1.0, "monthly usage growth after the cuts above the growth before; moved to 0.75 and 1.25"),
           ("pre-cut span", 3, "months: a growth rate needs figures at least a quarter apart"),
           ("year", 2024, "the year of the first rounds of cuts"))),
]}

# (text, quote) per claim, for pages and tables.
CLAIMS = {k: (c.text, c.quote) for k, c in REGISTRY.items()}


@dataclass
class Verdict:
    claim: str
    verdict: str
    evidence: str
    chapter: str = ""
    figures: list[str] = field(default_factory=list)
    robustness: str = ""           # one line: how the verdict fares under the alternatives
    sources: int = 0               # independent sources behind the evidence (0 = not counted)
    best_grade: str = ""           # best grade among them
    grade_c_only: bool = False
    # The sources the evidence rests on, one dict per address (source_url, source_quality, what it says, date):
    # the claim box cites them by number from the page's source list.
    citations: list[dict] = field(default_factory=list)

    def __post_init__(self):
        if self.claim not in CLAIMS:
            raise ValueError(f"unknown claim {self.claim!r}")
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, not {self.verdict!r}")

    def to_dict(self) -> dict:
        return asdict(self)
