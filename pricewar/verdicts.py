"""The claim-by-claim verdicts. Each rule takes tables and returns a Verdict computed from them, never typed.

Verdict words (from the guide): supported, partly supported, not supported, not testable with public data.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

SUPPORTED = "supported"
PARTLY = "partly supported"
NOT_SUPPORTED = "not supported"
UNTESTABLE = "not testable with public data"
VERDICTS = (SUPPORTED, PARTLY, NOT_SUPPORTED, UNTESTABLE)

# The article's claims, numbered as in the report's guide (short English paraphrase, short Chinese quote).
CLAIMS = {
    "C1": ("On 2024-05-21 Alibaba Cloud cut nine main Qwen models; Qwen-Long input fell to 0.0005 yuan per 1K tokens",
           "9款主力大模型全面降價 … Qwen Long API輸入價格更是降到了0.0005元/千tokens"),
    "C2": ("Before that, ByteDance's Doubao main model was already priced at 0.0008 yuan per 1K tokens",
           "豆包主力大模型在企業市場的定價已經卷到了0.0008元/千tokens"),
    "C3": ("Baidu, Tencent and iFlytek followed at once", "百度、騰訊、科大訊飛等紛紛跟進"),
    "C4": ("Alibaba Cloud had already announced big cloud-product price cuts in February 2024", "已經在2月官宣過云產品大降價"),
    "C5": ("LLMs extend cloud computing; cloud vendors are the most aggressive LLM investors",
           "大模型是云計算產業的一個延伸 … 布局最激進的,正是云廠商"),
    "C6": ("China's daily LLM API calls will grow 100-fold in 2024, to 10 billion",
           "大模型API日調用次數在2024年將實現百倍增長,到達100億次"),
    "C7": ("AI inference costs will fall far faster than Moore's law", "AI推理成本的下降速度將遠遠超越摩爾定律"),
    "C8": ("Only firms with four traits can afford to cut: a leading base model, inference resources, a large user base, "
           "LLMs as core business", "「有能力、有資格」降價的公司應該具備四個特征"),
    "C9": ("01.AI (Kai-Fu Lee) and Baichuan (Wang Xiaochuan) said they would not follow the cuts",
           "李開復和王小川 … 「不會跟進大模型降價潮」"),
    "C10": ("The fight recalls the 2014 Didi-Kuaidi ride-hailing subsidy war", "十年前滴滴和快的之間的網約車大戰"),
    "C11": ("The cuts aim at user growth and market share", "追求用戶增量、快速搶占市場"),
}


@dataclass
class Verdict:
    claim: str
    verdict: str
    evidence: str
    chapter: str = ""
    figures: list[str] = field(default_factory=list)

    def __post_init__(self):
        if self.claim not in CLAIMS:
            raise ValueError(f"unknown claim {self.claim!r}")
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, not {self.verdict!r}")

    def to_dict(self) -> dict:
        return asdict(self)
