"""Read a job posting (plain text, Markdown or HTML): its state, title, duties, credential demands
and supervision, each with the words it was found in. Reading only; `checks.py` judges.

The reader is deliberately literal: a duty is a catalogue phrase found in a sentence, through the one
task matcher every entry point uses (matcher.py). Around it, the reader knows how postings are built:

- sections: a posting is duties *and* benefits, the employee's own health requirements, EEO text,
  schedules, pay, qualifications and "about us". Headers ("Benefits", "Requirements", "Physical
  demands", USAJOBS' "Overview"...) and sentence patterns ("proof of", "as a condition of employment",
  "experience performing venipuncture preferred") mark what is not a duty: such sentences give none;
- negation (NegEx, in the matcher): "no IV starts", "Injections are not part of this role";
- assisting: "assists the provider with IV starts" is not the MA's IV start; assisting with a routine
  task ("assists with intake") is doing part of it;
- demands: a credential named where the posting asks for it ("CMA or RMA required"), with any-of
  lists, preferences and pathways ("a pathway to becoming a CMA" is not a demand);
- supervision: who directs the MA (a physician, an RN or "nursing superior", a health-center
  manager) and whether the MA works "autonomously".
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from scopecheck.decide.matcher import Mention
from scopecheck.decide.resolve import Resolver
from scopecheck.errors import UserError
from scopecheck.law.library import Library
from scopecheck.law.terms import normalize

# ZIP code prefixes (first three digits) to states, USPS ranges.
_ZIP_RANGES = [
    (5, 5, "NY"),
    (10, 27, "MA"),
    (28, 29, "RI"),
    (30, 38, "NH"),
    (39, 49, "ME"),
    (50, 59, "VT"),
    (60, 69, "CT"),
    (70, 89, "NJ"),
    (100, 149, "NY"),
    (150, 196, "PA"),
    (197, 199, "DE"),
    (200, 205, "DC"),
    (206, 219, "MD"),
    (220, 246, "VA"),
    (247, 268, "WV"),
    (270, 289, "NC"),
    (290, 299, "SC"),
    (300, 319, "GA"),
    (320, 349, "FL"),
    (350, 369, "AL"),
    (370, 385, "TN"),
    (386, 397, "MS"),
    (398, 399, "GA"),
    (400, 427, "KY"),
    (430, 459, "OH"),
    (460, 479, "IN"),
    (480, 499, "MI"),
    (500, 528, "IA"),
    (530, 549, "WI"),
    (550, 567, "MN"),
    (570, 577, "SD"),
    (580, 588, "ND"),
    (590, 599, "MT"),
    (600, 629, "IL"),
    (630, 658, "MO"),
    (660, 679, "KS"),
    (680, 693, "NE"),
    (700, 714, "LA"),
    (716, 729, "AR"),
    (730, 749, "OK"),
    (750, 799, "TX"),
    (800, 816, "CO"),
    (820, 831, "WY"),
    (832, 838, "ID"),
    (840, 847, "UT"),
    (850, 865, "AZ"),
    (870, 884, "NM"),
    (885, 885, "TX"),
    (889, 898, "NV"),
    (900, 961, "CA"),
    (967, 968, "HI"),
    (970, 979, "OR"),
    (980, 994, "WA"),
    (995, 999, "AK"),
]
# Negation before a judgment word (checks.py's sentence-level check; duties use the matcher's NegEx).
_NEGATION = re.compile(
    r"\b(no|not(?! limit)|never|without|except|excluding|nor|prohibited from|may not|must not|cannot|can't|can’t|"
    r"won't|won’t|does not|do not|will not|refrain from|not permitted to|not allowed to)\b",
    re.I,
)
_REQUIRED = re.compile(
    r"\b(require[sd]?|requirements?|must|mandatory|need(?:ed|s)?|necessary|only hire|will only)\b", re.I
)
_PREFERRED = re.compile(
    r"\b(prefer(?:red|ably)?|a plus|desired|desirable|nice to have|beneficial|a benefit|bonus|helpful|advantageous|"
    r"an advantage|encouraged|welcome[ds]?|optional)\b",
    re.I,
)
# A credential the posting offers or leads to, not one it asks for.
_PATHWAY = re.compile(
    r"\b(pathway to|path to|on the way to|working towards?|work towards?|eligible for|scholarship|tuition|reimburse\w*|"
    r"will (?:train|sponsor|pay)|would train|we train|enrolled|enroll(?:ing|ment)? in|course|earn (?:your|a|the)|"
    r"if (?:you )?(?:have|hold|are)|in place of|instead of|become an?\b|becoming an?\b|pay (?:increase|differential))",
    re.I,
)
_ANY_OF = re.compile(r"\b(one of|either|any of|any one of|or|and/or|etc|such as|e\.?g)\b|/", re.I)
# A credential the employer offers (training, tuition), not one it asks for: no demand at all.
_OFFER = re.compile(r"\b(pathway to|path to|becoming an?|scholarship|tuition|will sponsor|earn your|save you)\b", re.I)
# Alternatives that are not credentials: holding none of the named credentials is also a way in.
_NON_CREDENTIAL_PATH = re.compile(
    r"\b(diploma|degree|program|training|experience|equivalent|graduate|completion)\b", re.I
)
# Words that make a credential mention a demand ("CMA required", "current RMA"), outside the name itself.
_DEMAND_WORDS = re.compile(
    r"\b(require[sd]?|requirements?|must|mandatory|need(?:ed|s)?|necessary|prefer\w*|plus|desired|desirable|"
    r"certifications?|certificates?|certified|licen[sc]es?|licensure|registration|credential\w*|current|"
    r"active|valid|possess\w*|hold|holds|eligib\w*|obtain\w*|accepted|acceptable|enrolled|pathway|course|program|"
    r"only hire|one of the following|qualifications?)\b",
    re.I,
)
_GENERIC_DEMAND = re.compile(
    r"\b(licensed|license|licensure|certified|certification|registered|registration)\b[^.;\n]{0,40}?\bmedical assist(?:ant|ing)|"
    r"\bmedical assist(?:ant|ing)\b[^.;\n]{0,20}?\b(licen[cs]e|licensure|certification|registration|certificate)\b",
    re.I,
)
_LICENSED_MA = re.compile(r"\b(licensed medical assistant|medical assistant licen[cs]e|ma licen[cs]e|lma)\b", re.I)
_NO_CREDENTIAL = re.compile(
    r"\b(no (?:certification|certificate|license|licensure|credential|experience)s? (?:is |are )?(?:needed|necessary|required)|"
    r"(?:certification|license|credential)s? (?:is |are )?not (?:needed|necessary|required)|"
    r"without (?:a |any )?(?:certification|license|credential))\b",
    re.I,
)
_SUPERVISOR_WORDS = {
    "physician": "physician",
    "doctor": "physician",
    "md": "physician",
    "do": "physician",
    "medical director": "physician",
    "physicians": "physician",
    "doctors": "physician",
    "rn": "rn",
    "registered nurse": "rn",
    "nurse": "rn",
    "licensed nurse": "rn",
    "nursing superior": "rn",
    "charge nurse": "rn",
    "staff nurse": "rn",
    "senior licensed staff nurse": "rn",
    "nurse manager": "rn",
    "clinical nurse manager": "rn",
    "director of nursing": "rn",
    "nursing staff": "rn",
    "nurses": "rn",
    "lpn": "lpn",
    "licensed practical nurse": "lpn",
    "nurse practitioner": "np",
    "np": "np",
    "aprn": "np",
    "physician assistant": "pa",
    "physician's assistant": "pa",
    "pa": "pa",
    "podiatrist": "podiatrist",
    "supervising clinician": "provider",
    "provider": "provider",
    "providers": "provider",
    "clinician": "provider",
    "clinicians": "provider",
    "practitioner": "provider",
    "medical provider": "provider",
    "licensed provider": "provider",
    "licensed personnel": "provider",
    "licensed health professional": "provider",
    "licensed staff": "provider",
    "manager": "manager",
    "health center manager": "manager",
    "site manager": "manager",
    "health center site manager": "manager",
    "clinic manager": "manager",
    "office manager": "manager",
    "practice manager": "manager",
    "supervisor": "manager",
    "clinic supervisor": "manager",
    "clinical supervisor": "manager",
    "manager of clinical services": "manager",
    "clinical care director": "manager",
    "medical clinical care director": "manager",
    "director": "manager",
}
_WHO = "|".join(sorted((re.escape(w).replace(r"\ ", r"\s+") for w in _SUPERVISOR_WORDS), key=len, reverse=True))
_SUPERVISION = re.compile(
    r"\b(?:under|within|with)\s+(?:the\s+)?(?:direct\s+|general\s+|immediate\s+|close\s+|clinical\s+|medical\s+|"
    r"daily\s+|overall\s+|task\s+)?(?:direction|supervision|delegation|guidance|orders?|oversight|license|"
    r"scope of practice)(?:\s*,?\s*(?:and|or)\s+(?:direction|supervision|guidance|delegation))?\s+of\s+",
    re.I,
)
_REPORTS_TO = re.compile(
    r"\b(?:reports?(?:ing)?\s+(?:directly\s+)?to|falls under|accountable to|supervised by|"
    r"directed by|delegated by)\s+",
    re.I,
)
# "within the supervising clinician or registered nurse's scope of practice"
_SCOPE_OF = re.compile(r"\bwithin (?:the |a |an )(?=(?:[\w']+\s+){1,6}?scope of practice)", re.I)
_OBSERVATION = re.compile(
    r"\b(abnormal\w*|changes?|deviations?|findings|values|results|observations?|symptoms?|concerns?|"
    r"incidents?|hazards?|accidents?|reactions?)\b",
    re.I,
)
_WHO_AT = re.compile(
    rf"(?:(?:a|an|the|his|her|their|one|our|your|its)\s+)?(?:licensed\s+|supervising\s+|attending\s+|appropriate\s+|"
    rf"assigned\s+)?({_WHO})(?:'s|’s|s)?\b",
    re.I,
)
_AUTONOMOUS = re.compile(
    r"\b(work(?:s|ing)? (?:autonomously|independently|alone|unsupervised)|autonomously|independently (?:perform|conduct|"
    r"provide|manage|complete)\w*|without (?:direct )?supervision|little or no supervision|minimal supervision)\b",
    re.I,
)
_ONSITE = re.compile(r"\b(on[- ]site|on the premises|physically present|in the building)\b", re.I)
_NURSE_TITLE = re.compile(r"\b(office nurse|clinic nurse|nurse|lpn|rn)\b", re.I)
# A nurse named as a licensed alternative ("MA, LPN, or RN") is a nurse hired as a nurse, not an MA called one.
_LICENSED_NURSE = re.compile(
    r"\b(licensed practical nurse|licensed vocational nurse|registered nurse|lpn|lvn|rn)\b", re.I
)
_JUDGMENT = re.compile(
    r"\b(triage[sd]?|triaging|"
    r"(?:assess(?:es|ing)?|evaluat(?:e|es|ing))\s+(?:the\s+|a\s+)?(?:patients?|clients?|symptoms?|(?:patient\s+)?conditions?|"
    r"(?:patient\s+)?(?:care\s+)?needs|urgency|acuity|severity)|"
    r"(?:patient|clinical|nursing|initial|health|pre-?\s?surgical|pre-?\s?operative|physical|medical)\s+assessments?|"
    r"conduct(?:s|ing)?\s+(?:the\s+|an?\s+)?(?:\w+\s+)?assessments?|"
    r"diagnos(?:e|es|ing)\b(?!\s+codes?)|make\s+(?:a\s+)?diagnos[ie]s|"
    r"interpret(?:s|ing)?\s+(?:the\s+|all\s+)?(?:test|lab|laboratory|ekg|ecg|x-?ray|diagnostic)?\s*(?:results?|findings|"
    r"readings?|values?|data|tests?)|interpretation of (?:test |lab )?results|"
    r"clinical judgment|sound judgment|independent (?:clinical )?judgment|medical judgment|nursing judgment|"
    r"(?:develop(?:s|ing)?|creat(?:e|es|ing)|writ(?:e|es|ing))\s+(?:the\s+|a\s+)?(?:nursing\s+)?(?:care|treatment)\s+plans?|"
    r"care planning|"
    r"screen(?:s|ing)?\s+(?:the\s+|all\s+)?(?:patients?|clients?|callers?)|(?:telephone|phone)\s+screening|"
    r"manag(?:e|es|ing)\s+(?:patients?\s+with\s+)?(?:medical\s+)?emergenc(?:y|ies)|"
    r"order(?:s|ing)?\s+(?:diagnostic\s+|lab\s+|laboratory\s+)?(?:tests?|labs|imaging|x-?rays?)\b|"
    r"identif(?:y|ies|ying|ication of)\s+(?:the\s+)?(?:patient\s+)?(?:care\s+)?(?:needs|problems|(?:health[- ]related\s+)?conditions)|"
    r"identificar las necesidades|"
    r"determin(?:e|es|ing)\s+(?:the\s+)?(?:urgency|acuity|level of care))",
    re.I,
)
# Judgment words that describe someone else's judgment, a code, a language service or a hiring step.
_NOT_MA_JUDGMENT = re.compile(
    r"\b(?:professional|provider|physician|doctor|nurse|rn|clinician|practitioner|medical staff|licensed)(?:'s|s'|’s)?\s+"
    r"(?:assess|triage|diagnos|interpret|evaluat)|\bassessment[- ]based\b|\bafter (?:the\s+)?(?:\w+\s+){0,3}assessments?\b|"
    r"\bpre-?hire assessments?|\bskills? assessments?|\bcompetency assessments?|\bself[- ]assessments?|\bfee assessments?|"
    r"\bpupil|\bdiagnos(?:is|tic) codes?|\b(?:for|in|with|of|to) (?:the )?(?:diagnos\w*|assessments?)\b|\binterpret(?:s|ing)? (?:medical )?(?:records?|orders?|instructions|policies|charts?)|"
    r"\binterpret(?:ation|er|ing)? services|\binterpreters?\b|\bassists? (?:the\s+)?(?:\w+\s+){0,3}(?:with|in)\s+(?:the\s+)?"
    r"(?:\w+\s+)?(?:assessment|triage)",
    re.I,
)
_NURSE_ROLE = re.compile(
    r"\b(?:medical assistant|ma)\s*/\s*(?:nurse|lpn)\b|\b(?:nurse|lpn)\s*/\s*(?:medical assistant|ma)\b|\bas an? (?:office |clinic )?nurse\b",
    re.I,
)

# ---- sections

# Section headers, by what follows them. "duties" and "requirements" are read for duties (requirements
# sentence by sentence: an applicant's past is a demand); every other section gives none.
_SECTION_HEADERS: list[tuple[str, re.Pattern[str]]] = [
    (kind, re.compile(rf"^(?:{pattern})$", re.I))
    for kind, pattern in [
        (
            "health",
            (
                r"(?:immunization|immunisation|vaccination|vaccine|health|medical|tb|covid[- ]?19?)(?:\s*/\s*tb)?\s*"
                r"(?:requirements?|statement|screening|clearance|policy)|immunization/tb statement|employee health|"
                r"conditions? of employment|pre-?employment requirements?|condition of hire"
            ),
        ),
        (
            "benefits",
            (
                r"(?:our |employee |the )?benefits?(?: (?:and|&) perks| package| overview| summary| include)?|perks|"
                r"(?:benefits )?(?:what|here's what) we offer|we (?:also )?offer|why (?:work|join) (?:here|us|\w+)|"
                r"total rewards|compensation(?: and benefits| & benefits)?|pay(?: and benefits)?|salary(?: range)?|"
                r"wages?|pay range|pay scale (?:&|and) grade|shift differentials?"
            ),
        ),
        (
            "eeo",
            (
                r"(?:equal (?:employment )?opportunity|eeo|eoe)(?: statement| policy| employer)?|non-?discrimination(?: policy)?|"
                r"reasonable accommodations?(?: policy)?|e-?verify|affirmative action"
            ),
        ),
        (
            "about",
            (
                r"about(?: us| the company| the organization| our company| \w+)?|who we are|our mission|mission|"
                r"company overview|our culture|culture|our values|our story|why \w+\??"
            ),
        ),
        (
            "physical",
            (
                r"physical (?:demands|requirements|activities|and mental demands|/mental demands)|working conditions|"
                r"work(?:ing)? environment|environmental conditions|working conditions and physical requirements"
            ),
        ),
        ("schedule", (r"(?:work )?schedule|shifts?|hours|shift times|work hours|hours of work")),
        (
            "meta",
            (
                r"overview|this job is open to|clarification from the agency|how to apply|required documents|"
                r"how you will be evaluated|next steps|agency contact information|fair (?:&|and) transparent|"
                r"additional information|announcement number|control number|open (?:&|and) closing dates|"
                r"criminal history inquiries|privacy act|signature and false statements|selective service|"
                r"new employee probationary period|financial suitability|social security number request|"
                r"requirements? for applying|application process|to apply|navigating the hiring process|"
                r"navigating the hiring process"
            ),
        ),
        (
            "requirements",
            (
                r"(?:minimum |preferred |required |basic |key |desired |special |additional |general )?"
                r"(?:qualifications?|requirements?|requirement)(?: for \w+)?|education(?: and experience| & experience)?|"
                r"(?:required |preferred )?experience|(?:required |preferred )?(?:skills|abilities)(?: (?:&|and) abilities)?|"
                r"knowledge,? skills,? (?:and|&) abilities|ksas?|licen[sc]ure(?: and certification)?|"
                r"certifications?|credentials|required licensing (?:&|and) certifications|who you are|what you bring|"
                r"what you'll need|what we're looking for|what we are looking for|minimum qualification requirements|"
                r"experience requirement|education requirement|required skills ?/ ?abilities|personal qualifications|"
                r"conditions of employment and qualifications|qualification requirements"
            ),
        ),
        (
            "duties",
            (
                r"(?:essential |primary |major |key |core |typical |main |job |principal |general )?(?:duties|responsibilities|"
                r"functions|tasks)(?: and responsibilities| & responsibilities| include)?(?: \(\d+%\))?|"
                r"(?:essential|primary|major|typical|main) (?:job )?functions?|examples of (?:typical )?(?:work|tasks|duties)|"
                r"typical work|typical tasks|what you(?:'ll| will) do|your day-to-day(?: responsibilities)?|day[- ]to[- ]day|"
                r"(?:job|position|role) (?:summary|description|overview|purpose)|summary|definition|general definition|"
                r"(?:general )?description|general nature of work|the role|about the (?:role|job|position)|"
                r"characteristic duties and responsibilities|duties summary|primary function|purpose of (?:the )?position|"
                r"job duties|job responsibilities|core duties include|responsibilities include|patient care and support duties|"
                r"distinguishing characteristics|position summary|essential responsibilities|job responsibilities & qualifications"
            ),
        ),
    ]
]
# "Label: value" lines that carry no duty (a schedule, the pay, the place).
_META_LABEL = re.compile(
    r"^(?:schedule|work schedule|shift|shifts|shift times|hours|pay|salary|salary range|compensation|wage|rate|location|"
    r"locations?\(s\)|job type|employment type|union membership|department|employer|title|job title|position title|"
    r"job code|class code|pay grade|pay range|flsa|reports to|closing date|posted|open until|telework|remote|travel|"
    r"relocation|position description|pd ?#|benefits|fte|status|ft/pt status|job number|recruitment number|"
    r"work schedule|physical requirements|drug test|security clearance|appointment type|opening date|salary minimum|"
    r"salary midpoint|position closes|schematic code|established|revised|title changed|eeo6?|iped-soc|job family[/ a-z]*|"
    r"approved by|effective date|bargaining unit status|promotion potential|supervisory status|service)\s*:",
    re.I,
)
_SECTIONS_READ = frozenset({"duties", "neutral", "requirements"})

# Sentences that give no duty wherever they stand (their tasks are the employee's own health record,
# a benefit, EEO text, or the applicant's past).
_STAFF_HEALTH = re.compile(
    r"\b(proof of|titers?|declination|conditions? of (?:employment|hire)|pre-?employment|at (?:the )?time of hire|"
    r"upon hire|prior to (?:hire|start|employment|your start)|before (?:your )?(?:first day|start date)|employee health|"
    r"as required by (?:state )?law|must (?:provide|show|submit) (?:verifications?|records?|proof|documentation)|"
    r"provide records? of|(?:vaccination|immunization) records|demonstrate immunity|required to (?:be vaccinated|"
    r"receive (?:the |a |an )?(?:flu|influenza|covid|hepatitis|tb|vaccine))|(?:flu|influenza|covid(?:-19)?) vaccin\w+ (?:is )?required|"
    r"(?:drug|background) (?:screen|check)s? (?:is |are )?(?:required|conducted)|contingent upon)\b",
    re.I,
)
_BENEFIT = re.compile(
    r"\b(free (?:\w+ )?(?:labs?|x-?rays?|services|care|visits?|screenings?|subscription|primary care)|tuition|"
    r"reimburse\w*|401\s?\(?k\)?|403\s?\(?b\)?|paid time off|pto|loan forgiveness|employee discounts?|scholarship|"
    r"pathway to becoming|(?:medical|dental|vision|life|pet|disability) insurance|compensation package|"
    r"benefits? (?:package|eligible|eligibility)|paid parental leave|retirement|flex(?:ible)? spending|headspace|"
    r"employee assistance program|wellness program|sign-?on bonus)",
    re.I,
)
_EEO = re.compile(
    r"\b(equal (?:employment )?opportunity|affirmative action|without regard to|discriminat\w*|protected veterans?|"
    r"reasonable accommodations?|e-?verify|drug-?free workplace|individuals with disabilities)\b",
    re.I,
)
# The applicant's past, a credential or knowledge: a demand, not a duty ("experience performing venipuncture preferred").
_APPLICANT = re.compile(
    r"(\bexperience (?:with|in|performing|doing|of|as|using|working)\b|\b\d+\+?\s*(?:years?|yrs?|months?)\b.{0,60}\bexperience\b|"
    r"\b(?:previous|prior|recent|relevant|related|proven|demonstrated) experience\b|\bexperience (?:is |are )?(?:preferred|required|a plus|desired|necessary)\b|"
    r"\(preferred\)|\bis preferred\b|\bpreferred\.?$|\bstrongly preferred\b|\ba plus\.?$|^preferred\b|\bknowledge of\b|\bfamiliar(?:ity)? with\b|"
    r"\bcertifi(?:cation|cate)s? (?:in|as|for|from)\b|\bcertified (?:in|as)\b|\blicensure\b|\bdiploma\b|\bdegree\b|\bgraduate of\b|"
    r"^(?:successful )?completion of\b|^completed\b|\benrolled\b|\bproficiency test\b)",
    re.I,
)
_APPLICANT_IN_REQUIREMENTS = re.compile(
    r"\b(eligib\w*|must (?:be|have|hold|possess|pass|obtain|complete|attend)|"
    r"able to (?:lift|stand|work|read|speak|sit|walk)|ability to (?:lift|stand|work|read|"
    r"speak|communicate|maintain|learn))\b",
    re.I,
)
# Teaching or supervising other staff: the tasks named are theirs, not the MA's.
_OTHERS_WORK = re.compile(
    r"\b(?:supervis(?:e|es|ing)|train(?:s|ing)?|instruct(?:s|ing)?|teach(?:es|ing)?|evaluat(?:e|es|ing)|precept(?:s|ing)|"
    r"orient(?:s|ing)|mentor(?:s|ing)?)\b(?:\s+(?:and|,)\s+\w+)*[^.;]{0,30}?\b(?:subordinate|staff|employees|assistants|technicians|students|"
    r"new hires|trainees|personnel|co-?workers|team members|new employees)\b",
    re.I,
)
# After a task's words: the task names a credential, a course or a department, not a duty ("EHR training",
# "Phlebotomy Certificate", "Ultrasound Techs").
_MODIFIED = frozenset(
    {
        "training",
        "trainings",
        "course",
        "courses",
        "class",
        "classes",
        "program",
        "programs",
        "certification",
        "certifications",
        "certificate",
        "certificates",
        "certified",
        "license",
        "licenses",
        "licensure",
        "experience",
        "knowledge",
        "technician",
        "technicians",
        "tech",
        "techs",
        "technologist",
        "technologists",
        "department",
        "departments",
        "instructor",
        "instructors",
        "school",
        "sessions",
        "session",
        "exam",
        "examination",
        "competency",
        "competencies",
        "skills",
        "requirement",
        "requirements",
        "coordinator",
        "supervisor",
        "manager",
        "reports",
        "report",
        "policies",
        "policy",
        "standards",
        "guidelines",
        "protocols",
        "plan",
        "practices",
        "precautions",
    }
)
_AESTHETIC = re.compile(
    r"\b(botox|filler|fillers|aesthetic|aesthetics|cosmetic|med ?spa|dermatolog\w*|neurotoxin|"
    r"injector|skin care|laser|lasers|juvederm|dysport|xeomin)\b",
    re.I,
)
_REPORTING = re.compile(
    r"\b(report(?:s|ed|ing)?|brings? (?:\w+ )*to the attention|notif(?:y|ies|ying)|alert(?:s|ing)?|"
    r"communicat(?:e|es|ing)|refer(?:s|ring)?)\b",
    re.I,
)
_OBSERVING = re.compile(r"\b(monitor(?:s|ing)?|observ(?:e|es|ing)|watch(?:es|ing)?)\s+(?:\w+\s+){0,2}$", re.I)
_HANDLING_ONLY = re.compile(
    r"\b(prepar\w*|compound\w*|mix(?:es|ing)?|stock(?:s|ing)?|restock\w*|order(?:s|ing)?|label\w*|"
    r"inventor\w*|deliver\w*|transport\w*)\b",
    re.I,
)
_ADMINISTERS = re.compile(
    r"\b(administ\w*|giv(?:e|es|ing)|inject\w*|infus\w*|push(?:es|ing)?|hang(?:s|ing)?|start(?:s|ing)?)\b", re.I
)
_ASSIST_WORD = re.compile(r"\b(assist(?:s|ing|ance)?|help(?:s|ing)?|aid(?:s|ing)?|support(?:s|ing)?)\b", re.I)
_DOING = re.compile(
    r"\b(?:by|through)\s+\w+ing\b|\b(perform\w*|administ\w*|giv(?:e|es|ing)|draw(?:s|ing)?|tak(?:e|es|ing)|"
    r"obtain\w*|collect\w*|conduct\w*|complet\w*)\b",
    re.I,
)
# An assisting verb whose object is procedures or visits: assisting with them is the MA's duty.
_ASSIST_OBJECT = re.compile(
    r"\bassist(?:s|ing|ance)?\b(?:\s+(?:the\s+|all\s+)?(?:[\w-]+\s+){0,3}?(?:physicians?|providers?|clinicians?|doctors?|"
    r"practitioners?|staff|nurses?|team))?\s+(?:with|in|during|on)\b",
    re.I,
)
_ROOM_WORD = re.compile(r"\b(rooms?|areas?|instruments?|equipment|trays?|supplies|tables?)\b", re.I)
_PATIENT_DIRECTED = re.compile(
    r"\b(?:to|inform\w*|notif\w*|tell\w*|call\w*|contact\w*|with|release\w*|relay\w*|give|gives|giving)\s+(?:the\s+|their\s+)?"
    r"(?:patients?|clients?|pts)\b|\b(?:patients?|clients?)\b[^.;]{0,20}\b(?:of|about|with)\s+(?:their\s+)?"
    r"(?:normal\s+|lab\s+|test\s+)?results\b|\bnormal\b",
    re.I,
)
_RECORDING = re.compile(
    r"\b(enter\w*|record\w*|document\w*|fil(?:e|es|ing)|log(?:s|ging)?|scan\w*|chart\w*|input\w*|"
    r"post(?:s|ing)?|upload\w*)\b",
    re.I,
)
_SCHEDULE_OBJECT = re.compile(
    r"\bschedul(?:e|es|ing)\s+(?:the\s+|new\s+|and\s+|return\s+|routine\s+|special\s+|follow[- ]up\s+)*"
    r"(?:appointments?|patients?|visits?|procedures?|tests?|exams?|follow[- ]ups?|surger\w+)",
    re.I,
)
# Route adjectives sharing one noun ("oral, rectal or injectable medications"): each gets the noun.
_ROUTE = r"(?:oral|rectal|topical|sublingual|inhaled|injectable|intramuscular|subcutaneous|intradermal|nasal|ophthalmic|otic)"
_SHARED_NOUN = re.compile(
    rf"\b({_ROUTE}(?:\s*(?:,|/|\band/or\b|\band\b|\bor\b)\s*(?:and\s+|or\s+)?{_ROUTE})+)\s+"
    r"(medications?|meds|drugs|injections?)\b",
    re.I,
)
_SHARED_ROOM = re.compile(
    r"\b(exam|examination|treatment|procedure|patient)\s+(and|or|&|/)\s+"
    r"(exam|examination|treatment|procedure|patient care)\s+(rooms?|areas?)\b",
    re.I,
)
_BARE_ORAL = re.compile(
    r"\boral\b(?!\s+(?:hygiene|care|surgeon|surgery|health|exam\w*|temperature|temp|swab\w*|"
    r"communication|and written|presentation|skills?|medications?|meds|drugs|cavity|history))",
    re.I,
)
_MEDICATION_CONTEXT = re.compile(r"\b(medications?|meds?|drugs?|administ\w*)\b", re.I)
_SPANISH = frozenset(
    {
        "el",
        "la",
        "los",
        "las",
        "de",
        "del",
        "y",
        "en",
        "con",
        "para",
        "por",
        "que",
        "una",
        "un",
        "al",
        "su",
        "sus",
        "se",
        "es",
        "como",
        "pacientes",
        "médicos",
    }
)
_ENGLISH = frozenset({"the", "and", "of", "to", "with", "for", "in", "a", "an", "is", "are", "patients", "will", "you"})
_TITLE_NOUNS = re.compile(
    r"\b(assistant|technician|tech|associate|aide|clerk|nurse|specialist|coordinator|administrator|supervisor|director|"
    r"manager|scribe|phlebotomist|medical|health|cma|rma|lpn|ccma|ncma|representative|technologist|asistente)\b",
    re.I,
)
_NOT_TITLE = re.compile(
    r"^(skip to|u\.?s\.? flag|back to|department of|veterans|this job|job description|job class|class specification|"
    r"state specifications|employer|location|salary|fresh|posted|summary|overview|help|apply|start over|login|returning|"
    r"basic job information|clinical support|supporting all|what are|job details|duties|university system|"
    r"[a-z ]*civil service|job specification|criteria based|band \d)",
    re.I,
)


class _TextExtractor(HTMLParser):
    """HTML to text with the standard library: every block element (and <br>) starts and ends a line,
    so adjacent cells or definitions never glue together ("No IV starts" stays one negated item);
    scripts, styles and everything remote are dropped (nothing is ever fetched)."""

    BLOCKS = frozenset(
        {
            "address",
            "article",
            "aside",
            "blockquote",
            "br",
            "caption",
            "center",
            "dd",
            "details",
            "dialog",
            "div",
            "dl",
            "dt",
            "fieldset",
            "figcaption",
            "figure",
            "footer",
            "form",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "header",
            "hgroup",
            "hr",
            "li",
            "main",
            "menu",
            "nav",
            "ol",
            "option",
            "p",
            "pre",
            "section",
            "summary",
            "table",
            "tbody",
            "td",
            "tfoot",
            "th",
            "thead",
            "title",
            "tr",
            "ul",
            "legend",
            "output",
            "select",
            "textarea",
        }
    )
    SKIP = frozenset({"script", "style", "noscript", "template", "head", "svg", "iframe", "object", "canvas"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skip += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")
            if tag == "pre":
                self._pre += 1
            elif tag == "li":
                self.parts.append("- ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")
            if tag == "pre":
                self._pre = max(0, self._pre - 1)

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data if self._pre else re.sub(r"\s+", " ", data))


# A posting is a page or two (the 12 real ones in tests/data/postings: 1.8 to 2.4 kB). Reading
# costs time and output in proportion to the text and its longest sentences (250 kB: 0.6-1.4 s of
# CPU and up to 5.5 MB of JSON; benchmarks/slow_inputs.py), so the text is limited, and the file
# (HTML is mostly markup) more loosely.
MAX_POSTING_CHARS = 100_000
MAX_POSTING_FILE_BYTES = 2_000_000


def read_posting_file(path: Path) -> str:
    """A posting's text; binary, undecodable or oversized files are refused with one line."""
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_POSTING_FILE_BYTES + 1)
    except OSError as exc:
        raise UserError(f"{path}: cannot read: {exc.strerror}") from None
    if len(raw) > MAX_POSTING_FILE_BYTES:
        raise UserError(f"{path}: larger than {MAX_POSTING_FILE_BYTES // 1_000_000} MB, not a job posting")
    if b"\x00" in raw[:4096]:
        raise UserError(f"{path}: a binary file, not a posting (text, Markdown or HTML)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def html_to_text(markup: str) -> str:
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    text = html.unescape("".join(parser.parts))
    return "\n".join(line.strip() for line in text.splitlines())


def looks_like_html(text: str) -> bool:
    return bool(
        re.search(r"<(html|body|div|p|ul|ol|li|h[1-6]|br|span|table|dl|dd|section|article)\b", text[:5000], re.I)
    )


@dataclass
class Duty:
    task: str
    text: str  # the sentence it was found in
    matched: str  # the words that matched
    kind: str = "duty"  # duty | negated | assisting | reporting | observing | no_route
    routes: tuple[str, ...] = ()  # no_route: every task the words fit ("administers medications")


@dataclass
class Demand:
    text: str
    credentials: list[str]  # ids; empty for a generic "certified"/"licensed"
    required: bool  # required (True) or preferred / a pathway (False)
    licensed_ma: bool = False
    any_of: bool = False  # the MA holds one of `credentials`, not all
    or_none: bool = (
        False  # holding none of them is also a way in ("No certification needed"; "a diploma, or EMT licensure")
    )
    generic_ma: bool = False  # "certified medical assistant" with no certifying body: one national MA certification


@dataclass
class Sentence:
    text: str
    section: (
        str  # duties | neutral | requirements | benefits | health | eeo | about | physical | schedule | meta | label
    )
    role: str = ""  # a sub-header naming another role ("For Registered Nurse (RN):"): its demands are not the MA's


@dataclass
class Posting:
    source: str
    text: str
    jurisdiction: str | None
    jurisdiction_evidence: str
    title: str | None
    title_id: str | None
    duties: list[Duty] = field(default_factory=list)
    demands: list[Demand] = field(default_factory=list)
    supervisor: str | None = None  # the practitioner who directs the MA, fed to the duty checks
    supervision: str | None = None
    supervision_text: str = ""
    sentences: list[str] = field(default_factory=list)
    supervisors: list[str] = field(
        default_factory=list
    )  # every type named: physician, pa, np, rn, lpn, provider, manager
    supervisor_texts: dict[str, str] = field(default_factory=dict)  # type -> the sentence that named it
    autonomous: str = ""  # the sentence saying the MA works autonomously, if any
    language: str = "en"
    parts: list[Sentence] = field(default_factory=list)
    other_roles: list[str] = field(default_factory=list)  # licensed roles hired beside the MA ("LPN", "RN")
    not_ma: list[tuple[str, str, str]] = field(default_factory=list)  # (what, words, sentence): work no MA task covers
    autonomy: str = ""  # "none" (autonomously, unsupervised) or "general" (independently)
    state_field: str = "--state"  # how the asker gives the state, for the error when none is found


_ASSIST_TASKS = frozenset({"assist_exam", "assist_minor_surgery", "ultrasound_assist"})
_MEDICATION_TASKS = frozenset(
    {
        "injection_intramuscular",
        "injection_subcutaneous",
        "injection_intradermal",
        "immunization",
        "medication_oral",
        "medication_topical",
        "medication_inhaled",
        "medication_eye_ear",
        "medication_controlled_substance",
        "anesthetic_injection",
        "iv_start",
        "iv_fluids",
        "iv_medication",
        "allergy_injection",
        "cosmetic_injection",
    }
)
_IV_TASKS = frozenset({"iv_start", "iv_fluids", "iv_medication", "iv_removal"})


def _clean_line(line: str) -> str:
    line = re.sub(r"^\s*(?:[-*\u2022\u00b7\u25aa\u25cf\u2013\u2014>#+]+|\d+[.)])\s*", "", line)
    return line.replace("**", "").replace("__", "").strip()


def _lines(text: str) -> list[str]:
    """The posting's lines, with flattened Markdown repaired: '**Header:**' and ' + ' bullets run
    into one line start new lines."""
    text = re.sub(r"\*\*([^*\n]{2,80}?:?)\*\*", r"\n\1\n", text)
    text = re.sub(r"\s\+\s(?=\S)", "\n", text)
    return [line for line in (_clean_line(raw) for raw in text.splitlines()) if line]


def _split_sentences(line: str) -> list[str]:
    out = []
    for part in re.split(r"(?<=[.!?;])\s+(?=[A-Z(\"'¿¡])|;\s+|\s\+\s|\s\u2022\s|(?<=[a-z][.!?])(?=[A-Z][a-z])", line):
        part = part.strip()
        if part:
            out.append(part)
    return out


def sentences(text: str) -> list[str]:
    """Lines, bullets and sentences, each trimmed; long lines split at sentence ends and ';'."""
    return [s for line in _lines(text) for s in _split_sentences(line)]


def _header_kind(line: str) -> str | None:
    """The section a line opens, if it is a header; None if it is not one. An unknown short line
    ending in ':' is a sub-header ("" keeps the section)."""
    bare = line.strip().rstrip(":*").strip()
    bare = re.sub(r"\s*\((?:\d+%|continued)\)$", "", bare)
    if not bare or len(bare) > 70:
        return None
    words = bare.split()
    if len(words) > 9:
        return None
    for kind, pattern in _SECTION_HEADERS:
        if pattern.match(bare):
            return kind
    if line.rstrip().endswith(":") and len(words) <= 8:
        return ""
    return None


def _role_header(line: str) -> str:
    """'For Licensed Practical Nurse (LPN):' -> 'nurse'; 'For Medical Assistant (MA):' -> 'ma'; else ''."""
    m = re.match(r"^for (?:the )?(.{2,60}?)\s*(?:\([^)]*\))?\s*(?:role|position)?s?:\s*$", line.strip(), re.I)
    if not m:
        return ""
    role = m.group(1).lower()
    if re.search(r"\b(nurse|lpn|rn|lvn|paramedic|emt)\b", role):
        return "nurse"
    return "ma" if re.search(r"\b(medical assistant|ma|hca|health care assistant|associate)\b", role) else ""


def split_sections(text: str) -> list[Sentence]:
    """Every sentence with the section it stands in."""
    section, role = "neutral", ""
    out: list[Sentence] = []
    for line in _lines(text):
        kind = _header_kind(line)
        if kind is not None:
            sub_role = _role_header(line)
            if kind:
                section, role = kind, ""
            elif sub_role:
                role = "" if sub_role == "ma" else sub_role
            continue
        label = re.match(r"^([A-Za-z][A-Za-z &/'’()-]{1,60}?)\s*:\s*(\S.*)?$", line)
        if label and label.group(2):
            head = _header_kind(label.group(1) + ":")
            if _META_LABEL.match(line):
                for s in _split_sentences(line):
                    out.append(Sentence(s, "label", role))
                continue
            if head:
                section, role = head, ""
        for s in _split_sentences(line):
            out.append(Sentence(s, section, role))
    return out


def _language(text: str) -> str:
    words = re.findall(r"[^\W\d_]+", text.casefold())
    es = sum(w in _SPANISH for w in words)
    en = sum(w in _ENGLISH for w in words)
    return "es" if es > max(8, 2 * en) else "en"


def _matcher_text(sentence: str) -> str:
    """The sentence as the matcher reads it: a noun shared by a list of routes is given to each
    ("oral, rectal or injectable medications" -> "oral medications, rectal medications or injectable
    medications"); a bare "oral" among medications names oral medication."""

    def share(m: re.Match[str]) -> str:
        noun = m.group(2)
        routes = re.split(r"(\s*(?:,|/|\band/or\b|\band\b|\bor\b)\s*(?:and\s+|or\s+)?)", m.group(1))
        return "".join(part if i % 2 else f"{part} {noun}" for i, part in enumerate(routes))

    # a place ("Columbia, SC 29201") names no task, whatever its state code abbreviates ("SC": subcutaneous)
    text = re.sub(
        r"\b[A-Z][A-Za-z.'-]*(?: [A-Z][A-Za-z.'-]*){0,3},\s*[A-Z]{2}\b(?:\s+\d{5}(?:-\d{4})?)?", " ", sentence
    )
    text = _SHARED_NOUN.sub(share, text)
    text = _SHARED_ROOM.sub(lambda m: f"{m.group(1)} {m.group(4)} {m.group(2)} {m.group(3)} {m.group(4)}", text)
    if _MEDICATION_CONTEXT.search(text):
        text = _BARE_ORAL.sub("oral medication", text)
    return text


def _assist_objects(text: str) -> list[tuple[int, str]]:
    """(where an assisting verb is, the noun it assists with): "assist physicians in patient visits"."""
    out = []
    for intro in _ASSIST_OBJECT.finditer(text):
        clause = " ".join(re.split(r"[.;:]", text[intro.end() : intro.end() + 120])[0].split()[:6])
        for found in re.finditer(
            r"\b(policies\s+and\s+)?(procedures?|visits?|exams?|examinations?|examining\s+patients?)\b", clause, re.I
        ):
            if not found.group(1):
                out.append((intro.start(), found.group(2).lower()))
    return out


def _not_a_duty(m: Mention, original: list[str], first: int, last: int) -> bool:
    """A task named as a qualification or a policy, not as work: "EHR training", "experience in
    phlebotomy", "adheres to infection control procedures"."""
    after = original[last : last + 1]
    before = " ".join(original[max(0, first - 3) : first])
    if after and after[0] in _MODIFIED and m.task not in _ASSIST_TASKS:
        return True  # "EHR training", "Phlebotomy Certificate", "Ultrasound Techs"
    if re.search(
        r"\b(experience|certified|certification|trained|knowledge|proficiency test|recognition)\s+(in|with|of|as)\b",
        before,
    ):
        return True
    return bool(
        after
        and after[0] in ("procedures", "procedure")
        and re.search(r"\b(adher\w*|follow\w*|compl(?:y|ies|iance|ying)|abid\w*)\b", " ".join(original[:first]))
    )  # "adheres to infection control procedures": following a policy


#: What a posting says to no reader: an HTML comment (Markdown hides it too), and a web address, whose
#: words are no duty ("...?utm_medium=x&vs=28" read as vital signs, "VS").
_UNSAID = re.compile(r"<!--.*?(?:-->|\Z)|\b(?:https?://|www\.)[^\s<>\"')\]]+", re.S | re.I)


def _checked_text(text: str, source: str) -> str:
    """The posting's text, HTML turned to text, comments and web addresses left out; binary, empty or
    overlong input is refused in one line."""
    if "\x00" in text[:4096]:
        raise UserError(f"{source}: a binary file, not a posting (text, Markdown or HTML)")
    if looks_like_html(text):
        text = html_to_text(text)
    text = _UNSAID.sub(" ", text)
    if not text.strip():
        raise UserError(f"{source}: empty posting")
    if len(text) > MAX_POSTING_CHARS:
        raise UserError(
            f"{source}: the posting's text is {len(text):,} characters long; "
            f"postings over {MAX_POSTING_CHARS:,} characters are refused"
        )
    return text


class PostingReader:
    def __init__(self, lib: Library, resolver: Resolver):
        self.lib = lib
        self.resolver = resolver
        phrases: dict[str, str] = {}
        for c in lib.credentials.values():
            for w in (c.id, *c.synonyms):
                if len(normalize(w)) >= 3:
                    phrases.setdefault(normalize(w), c.id)
        for t in (
            lib.titles.values()
        ):  # a certification's title names its credential ("Nationally Certified Medical Assistant")
            if len(t.credentials) == 1:
                for w in (t.name, *t.synonyms):
                    if len(normalize(w)) >= 3:
                        phrases.setdefault(normalize(w), t.credentials[0])
        self._cred_phrases = sorted(phrases.items(), key=lambda p: -len(p[0]))
        # A certifying body named alone ("certification from the National Healthcareer Association (NHA)")
        # names its medical-assistant certification.
        self._bodies: list[tuple[str, str, str]] = []  # (body without spaces, initials, credential id)
        for c in lib.credentials.values():
            if c.body and "medical assistant" in c.name.lower() and c.jurisdiction is None:
                words = normalize(c.body).split()
                initials = "".join(w[0] for w in words if w not in ("for", "of", "the", "and"))
                self._bodies.append(("".join(words), initials, c.id))
        self._body_of = {c.id: normalize(c.body).replace(" ", "") for c in lib.credentials.values() if c.body}
        # The bare-verb readings of frames that name a task alone ("schedule" -> schedule_appointments).
        matcher = resolver.matcher
        named = {
            (" ".join(matcher.phrase_tokens(w)), task.id)
            for task in lib.tasks.values()
            for w in (task.name, *task.synonyms)
        }
        named |= {(" ".join(matcher.phrase_tokens(w)), cue.task) for cue in lib.vocabulary.cues for w in cue.words}
        self._alone = {
            (" ".join(matcher.phrase_tokens(w)), f.alone) for f in lib.vocabulary.frames if f.alone for w in f.words
        } - named
        self._title_phrases = sorted(
            ((normalize(w), t.id) for t in lib.titles.values() for w in (t.name, *t.synonyms)),
            key=lambda p: -len(p[0]),
        )
        self._state_names = sorted(((j.name, j.code) for j in lib.jurisdictions.values()), key=lambda p: -len(p[0]))

    # ---- state

    def find_state(self, text: str) -> tuple[str | None, str]:
        """The state named by 'City, ST', a state name (any case), or a ZIP code; None when unclear.
        A state named only where the posting excludes it ("not accepted in South Carolina") is not
        the job's state."""
        excluded = [
            (m.start(), m.end())
            for m in re.finditer(
                r"\bnot (?:accepted|valid|available|recognized|eligible|offered|applicable|licensed)\b[^.\n)]{0,60}|"
                r"\b(?:except|excluding|other than|outside of)\b[^.\n)]{0,40}|\([^)]{0,40}\bonly\)",
                text,
                re.I,
            )
        ]

        def in_exclusion(pos: int) -> bool:
            return any(a <= pos < b for a, b in excluded)

        text = re.sub(r"\bHawai[\u02bb'\u2019\u2018]i\b", "Hawaii", text)
        votes: dict[str, list[str]] = {}
        for m in re.finditer(r"\b[A-Z][a-zA-Z .'-]+,\s*([A-Z][A-Za-z])\b(?:\s*\(?(\d{5}))?", text):
            code = m.group(1).upper()
            if code in self.lib.jurisdictions and (m.group(1).isupper() or m.group(2)) and not in_exclusion(m.start(1)):
                votes.setdefault(code, []).append(m.group(0).strip())
        for name, code in self._state_names:
            for m in re.finditer(rf"\b{re.escape(name)}\b", text, re.I):
                word = m.group(0)
                if not (word == name or word.isupper()):
                    continue
                if name == "Washington" and re.match(r",?\s*D\.?\s*C\b", text[m.end() : m.end() + 6]):
                    continue
                if in_exclusion(m.start()):
                    continue
                votes.setdefault(code, []).append(word)
        for m in re.finditer(r"\b(\d{5})(?:-\d{4})?\b", text):
            prefix = int(m.group(1)[:3])
            for low, high, code in _ZIP_RANGES:
                if low <= prefix <= high and code in votes:
                    votes[code].append(m.group(0))
        if not votes:
            return None, ""
        ranked = sorted(votes.items(), key=lambda kv: -len(kv[1]))
        if len(ranked) > 1 and len(ranked[0][1]) == len(ranked[1][1]):
            return None, f"several states named ({', '.join(c for c, _ in ranked[:4])})"
        code, evidence = ranked[0]
        return code, evidence[0]

    def _redefined(self, text: str) -> set[str]:
        """Abbreviations the posting defines as something else ("Certified Medication Aide (CMA)")."""
        redefined: set[str] = set()
        for m in re.finditer(r"\b((?:[A-Z][\w-]*\s+){1,5})\(([A-Z]{2,6})\)", text):
            abbr, expansion = m.group(2), normalize(m.group(1))
            known = next((ident for phrase, ident in self._cred_phrases if phrase == normalize(abbr)), None)
            if known and not any(
                phrase == expansion or expansion.endswith(" " + phrase) or phrase.endswith(expansion)
                for phrase, ident in self._cred_phrases
                if ident == known
            ):
                redefined.add(normalize(abbr))
        return redefined

    # ---- title

    def _title_id(self, line: str, redefined: frozenset[str] = frozenset()) -> str | None:
        line = re.sub(r"\b(para|non|pseudo|quasi)-", r"\1", line, flags=re.I)  # a "Para-Medical Assistant" is not an MA
        line = re.sub(r"[,\s]+[A-Z]{2}\b(?:\s+\d{5})?\s*(?:\(.*\))?$", "", line)  # "... - Worcester, MA": a place
        norm = f" {normalize(line)} "
        for phrase, tid in self._title_phrases:
            if f" {phrase} " in norm and phrase not in redefined:
                return tid
        return None

    def find_title(self, text: str, redefined: frozenset[str] = frozenset()) -> tuple[str | None, str | None]:
        title, tid = self._find_title(text, redefined)
        if title:  # a trailing place is not part of the title ("Medical Assistant, Albany, NY 12207")
            title = (
                re.sub(
                    r"(?:,|\s[-\u2013\u2014])\s*[A-Z][A-Za-z .'-]+,\s*[A-Z]{2}\b(?:\s+\d{5}(?:-\d{4})?)?"
                    r"(?:\s*\([^)]*\))?\s*$",
                    "",
                    title,
                ).strip()
                or title
            )
        return title, tid

    def _find_title(self, text: str, redefined: frozenset[str]) -> tuple[str | None, str | None]:
        """The posting's title line, whole ("Medical Assistant (MA), LPN, or RN" keeps the nurse part),
        and the catalogue title it names, if any. Never a sentence of the body, and never a catalogue
        name the posting does not use ("Health Assistant" is not "Medical Assistant")."""
        lines = _lines(text)
        for line in lines[:40]:  # an explicit title label
            m = re.match(r"^(?:job |position |class )?title\s*:\s*(.+)$", line, re.I)
            if m:
                head = re.split(r"\s{3,}", m.group(1).strip())[0].strip()
                return head[:160], self._title_id(head, redefined)
        for line in lines[:40]:  # "the job description for the X position at Y"
            m = re.search(r"\bjob description for (?:the |a |an )?(.{3,100}?) (?:position|role|job)\b", line, re.I)
            if m:
                return m.group(1).strip(), self._title_id(m.group(1), redefined)
        candidates = []
        headers = 0
        for line in lines[:30]:
            kind = _header_kind(line)
            if kind:
                headers += 1
                if kind != "duties" or headers >= 3:
                    break  # the title stands above the body
                continue
            head = re.split(r"\s{3,}|\s+[|]\s+", line)[0].strip(" :-")
            words = head.split()
            if not words or len(words) > 14 or len(head) > 120 or head.endswith((".", "?", "!", ",")):
                continue
            if (
                _NOT_TITLE.match(head)
                or not _TITLE_NOUNS.search(head)
                or re.search(r"\$\d|\d{1,2}/\d{1,2}/\d{2,4}", head)
            ):
                continue
            if not (head[0].isupper() or head[0].isdigit()) or re.match(
                r"^(the|this|we|our|you|as|an?|in|el|la|los|if|for|under|with|to|it|they|he|she|all)\b", head, re.I
            ):
                continue
            candidates.append(head)
        for head in candidates:  # a catalogue title first, then the first title-like line
            tid = self._title_id(head, redefined)
            if tid:
                return re.sub(r"^(?:[A-Z]{1,3}\d+[A-Z\d]*|\d+[A-Z]\d+)\s+[-–]?\s*", "", head)[:160], tid
        if candidates:
            return candidates[0][:160], None
        return None, None

    # ---- duties

    def duties(self, sentence: str, section: str = "neutral", context: str = "") -> list[Duty]:
        """The tasks a sentence names, through the same matcher as every question (matcher.py), one
        list item at a time; a negated one ("No IV starts"), one the MA only assists with, or one it
        reports or watches says so. A sentence that is not about the MA's work gives none."""
        if section not in _SECTIONS_READ or self.not_duties(sentence, section):
            return []
        text = _matcher_text(sentence)
        _, _, source, original = self.resolver.matcher.tokens(text)
        out: list[Duty] = []
        seen: set[str] = set()
        seen_routes: set[tuple[str, ...]] = set()
        for m in self.resolver.matcher.mentions(text, items=True):
            if m.vague and m.alternatives:
                routes = (m.task, *m.alternatives)
                if (
                    _ADMINISTERS.search(m.words)
                    and not m.negated
                    and m.framed != "assist"
                    and routes not in seen_routes
                ):
                    seen_routes.add(routes)  # "administers medications": no one route, but not nothing
                    out.append(Duty(m.task, sentence, m.words, "no_route", routes))
                continue
            first = source[m.start] if m.start < len(source) else 0
            last = source[min(m.end, len(source)) - 1] + 1 if source else 0
            if _not_a_duty(m, original, first, last):
                continue
            task = self._reread(m, text, context)
            kind = None if task is None else self._duty_kind(m, task, text, original, first)
            if task is None or kind is None or task in seen:
                continue
            seen.add(task)
            out.append(Duty(task, sentence, m.words, kind))
        for start, noun in _assist_objects(text):  # "assist physicians in patient visits and procedures"
            task = "assist_minor_surgery" if noun.startswith("procedure") else "assist_exam"
            if task in seen or _NEGATION.search(text[max(0, start - 30) : start]):
                continue
            seen.add(task)
            out.append(Duty(task, sentence, noun, "duty"))
        return out

    def _duty_kind(self, m: Mention, task: str, text: str, original: list[str], first: int) -> str | None:
        """duty, or what the MA does instead: negated, assisting, reporting, observing; None when
        the words only handle the thing ("prepares parenteral medications": the pharmacy's work)."""
        before = " ".join(original[max(0, first - 3) : first])
        if m.negated:
            return "negated"
        if (
            m.framed == "assist"
            and task not in _ASSIST_TASKS
            and self.lib.tasks[task].risk == "high"
            and not self._doing(text, original, first)
        ):
            return "assisting"  # "assists the provider with IV starts": the provider's IV start
        if (
            task == "interpret_results"
            and not re.search(r"\binterpret|\bread", m.words, re.I)
            and _REPORTING.search(text)
        ):
            return "reporting"  # "recognizes and reports abnormal values to the physician": observing, not judging
        if task in _IV_TASKS and m.alternatives and _OBSERVING.search(before + " "):
            return "observing"  # "monitoring IVs": watching a nurse's line
        if (
            task in _MEDICATION_TASKS
            and _HANDLING_ONLY.search(" ".join(original[max(0, first - 6) : first]))
            and not _ADMINISTERS.search(text)
        ):
            return None  # "prepares parenteral medications" (pharmacy), "orders vaccines"
        return "duty"

    def not_ma_work(self, sentence: str, section: str) -> list[tuple[str, str, str]]:
        """Work no MA task covers that the posting gives the MA to do ("Performs professional dental
        hygiene treatments"): named right after a verb of doing, not negated, in a sentence about the
        MA's work. Diagnosing and care planning are left to the judgment check."""
        if section not in _SECTIONS_READ or self.not_duties(sentence, section):
            return []
        out = []
        words = re.findall(r"[^\W_]+", sentence.casefold())
        for what, matched, negated, at in self.resolver.matcher.not_ma_mentions(sentence):
            if negated or what.startswith(("diagnosing", "a nurse's", "telling a patient")):
                continue
            if re.search(
                r"\b(perform\w*|conduct\w*|do|does|provid\w*|administ\w*|complet\w*)\b",
                " ".join(words[max(0, at - 3) : at]) + " " + matched,
            ):
                out.append((what, matched, sentence))
        return out

    def not_duties(self, sentence: str, section: str) -> bool:
        """A sentence that names tasks but not as the MA's work: the employee's own health record,
        a benefit, EEO text, the applicant's past, or other staff's work."""
        if _STAFF_HEALTH.search(sentence) or _BENEFIT.search(sentence) or _EEO.search(sentence):
            return True
        if _APPLICANT.search(sentence) or _OTHERS_WORK.search(sentence):
            return True
        return section == "requirements" and bool(_APPLICANT_IN_REQUIREMENTS.search(sentence))

    def _reread(self, m: Mention, text: str, context: str) -> str | None:
        """What the words mean in a posting, where the question's reading does not fit; None when
        they name no duty of the MA's there."""
        task, words, framed = m.task, m.words, m.framed
        if framed == "prepare-patient":  # "prepares patients for examinations": the MA readies and assists
            if not re.search(r"\b(patients?|clients?|pts?)\b", text, re.I):
                return "room_sterilization" if _ROOM_WORD.search(text) else None
            low = words.lower()
            if re.search(r"\bexam", low):
                return "assist_exam"
            if re.search(r"\b(surg|procedure|operat)", low):
                return "assist_minor_surgery"
            if "ultrasound" in low:
                return "ultrasound_assist"
        if task == "patient_history" and re.search(r"\bprep\w*\s+(?:the\s+|a\s+)?patients?$", words, re.I):
            ahead = re.search(
                re.escape(words) + r"\s+for\s+(?:an?\s+|the\s+|their\s+)?(?:[\w-]+\s+){0,2}?"
                r"(exam\w*|procedures?|surger\w*|visits?|ultrasounds?)\b",
                text,
                re.I,
            )
            if ahead:  # "prepare patients for examinations/procedures": readying and assisting
                obj = ahead.group(1).lower()
                return (
                    "assist_minor_surgery"
                    if obj.startswith(("proced", "surg"))
                    else "ultrasound_assist"
                    if obj.startswith("ultra")
                    else "assist_exam"
                )
        if task == "interpret_results" and re.search(
            r"\binterpret\w*\s+(?:the\s+|all\s+)?(?:medical\s+|physician\s+|"
            r"provider\s+)?(?:records?|orders?|instructions|policies|charts?|"
            r"requests?|forms?|documents?|schedules?)\b",
            text,
            re.I,
        ):
            return None  # "interpret medical records requests": reading, not judging a result
        if (
            task == "cosmetic_injection"
            and re.fullmatch(r"injectables?", words.strip(), re.I)
            and not _AESTHETIC.search(context)
        ):
            return "injection_intramuscular"  # "medications including injectables" in a clinic, not a med spa
        if task == "give_normal_results" and not _PATIENT_DIRECTED.search(text):
            # results handled, not told to a patient: "Enter lab results" is record keeping
            return "maintain_records" if _RECORDING.search(text) else None
        if task == "schedule_appointments" and re.match(r"scheduled\b", words, re.I):
            return None  # "scheduled patients", "scheduled procedures": a schedule kept, not made
        if (words, task) in self._alone and task == "schedule_appointments":
            # the bare verb "schedule": a work schedule or staff breaks, unless it schedules patients or visits
            return task if _SCHEDULE_OBJECT.search(text) else None
        if (
            task == "assist_exam"
            and re.fullmatch(r"exam(?:ination)?s?", words.strip(), re.I)
            and re.search(r"\b(laboratory|lab|postmortem|post-mortem|physical therapy)\s+exam", text, re.I)
        ):
            return None
        return task

    @staticmethod
    def _doing(text: str, original: list[str], first: int) -> bool:
        """Whether the MA performs the task it is said to assist with ("assists the provider by giving injections")."""
        before = " ".join(original[max(0, first - 8) : first])
        last = None
        for last in _ASSIST_WORD.finditer(before):  # noqa: B007 - the loop keeps the last match
            pass
        return bool(last and _DOING.search(before[last.end() :]))

    # ---- demands and supervision

    def _credential_matches(self, sentence: str, redefined: set[str]) -> list[str]:
        """Credential ids named in a sentence (longest phrase first, whole words); an abbreviation the
        posting defines as something else ("Certified Medication Aide (CMA)") does not count."""
        norm = f" {normalize(sentence)} "
        taken: list[tuple[int, int]] = []
        found: list[tuple[int, str, str]] = []
        for phrase, ident in self._cred_phrases:
            if phrase in redefined:
                continue
            start = norm.find(f" {phrase} ")
            while start != -1:
                span = (start + 1, start + 1 + len(phrase))  # the words only: adjacent names both count
                if not any(a < span[1] and span[0] < b for a, b in taken):
                    taken.append(span)
                    found.append((start, ident, phrase))
                    break
                start = norm.find(f" {phrase} ", start + 1)
        ids = list(dict.fromkeys(ident for _, ident, _ in sorted(found)))
        squeezed = norm.replace(" ", "")
        for body, initials, ident in self._bodies:
            named = body in squeezed or (len(initials) >= 3 and f" {initials} " in norm and initials not in redefined)
            if named and ident not in ids and not any(self._body_of.get(i) == body for i in ids):
                ids.append(ident)
        return ids

    def _state_ma_credential(self, sentence: str, code: str | None, certified: bool) -> list[str]:
        """'Active Washington DOH MA license': the state's own MA credential (the certified one when the
        posting says 'certified'), or [] if the state has none."""
        m = re.search(
            r"\b([A-Z][a-z]+(?: [A-Z][a-z]+)?|state)(?:\s+(?:DOH|Department of Health|state))?\s+"
            r"(?:MA|medical assistant)\s+(?:license|licensure|credential|certification|registration)\b",
            sentence,
        )
        if not m:
            return []
        named = next((c for name, c in self._state_names if name.lower() == m.group(1).lower()), None)
        state = named or code
        if state is None:
            return []
        own = [
            c
            for c in self.lib.credentials.values()
            if c.jurisdiction == state and "medical assistant" in c.name.lower()
        ]
        if not own:
            return []
        certified_ones = [c.id for c in own if "certified" in c.name.lower()]
        return certified_ones[:1] if certified and certified_ones else [c.id for c in own if "emt" not in c.id.lower()]

    def demands(
        self,
        sentence: str,
        section: str = "neutral",
        *,
        redefined: set[str] | None = None,
        code: str | None = None,
        certified_title: bool = False,
        in_list: bool = False,
    ) -> list[Demand]:
        """A credential demand: a credential named where the posting asks for it, with whether it is
        required, preferred or only a pathway, and whether any one of those named will do."""
        creds = self._credential_matches(sentence, redefined or set())
        state_cred = self._state_ma_credential(sentence, code, certified_title)
        if state_cred:
            creds = [c for c in creds if c not in ("CMA_AAMA",)] + state_cred
        generic = bool(_GENERIC_DEMAND.search(sentence))
        licensed = bool(_LICENSED_MA.search(sentence)) and not state_cred
        no_cred = bool(_NO_CREDENTIAL.search(sentence))
        if not creds and not generic and not licensed and not no_cred:
            return []
        outside = " " + " ".join(re.sub(r"[^\w/]+", " ", sentence.casefold().replace("/", " / ")).split()) + " "
        if creds:  # the words around the credentials' names ("CMA required": "required")
            for phrase, _ in self._cred_phrases:
                if f" {phrase} " in outside:
                    outside = outside.replace(f" {phrase} ", "  ")
        asked = section == "requirements" or in_list or bool(_DEMAND_WORDS.search(outside)) or no_cred
        if not asked:
            return []  # "The CMA is educated and trained ...": the role named, nothing asked
        if (
            not creds
            and not no_cred
            and not (_REQUIRED.search(sentence) or _PREFERRED.search(sentence) or licensed or section == "requirements")
        ):
            return []  # "licensed providers", "registered nurses": not a demand on the MA
        if _OFFER.search(sentence) and not _REQUIRED.search(sentence):
            return []  # "a pathway to becoming a CMA": an offer
        required = not (_PREFERRED.search(sentence) or _PATHWAY.search(sentence))
        alternatives = bool(_ANY_OF.search(outside))
        any_of = len(creds) > 1 and alternatives
        or_none = no_cred or (bool(creds) and alternatives and bool(_NON_CREDENTIAL_PATH.search(outside)))
        generic_ma = (
            generic and not creds and bool(re.search(r"\b(certified|certification|registered)\b", sentence, re.I))
        )
        return [Demand(sentence, creds, required, licensed, any_of, or_none, generic_ma)]

    def _supervision(self, posting: Posting, sentence: str) -> None:
        sentence = sentence.replace("\u2019", "'")
        found: list[str] = []
        intros = list(_SUPERVISION.finditer(sentence)) + list(_SCOPE_OF.finditer(sentence))
        if not _OBSERVATION.search(sentence):  # "reports abnormal values to the nurse" is not who supervises
            intros += list(_REPORTS_TO.finditer(sentence))
        for intro in intros:
            tail = sentence[intro.end() : intro.end() + 160]
            pos = 0
            while True:
                m = _WHO_AT.match(tail, pos)
                if not m:
                    break
                found.append(_SUPERVISOR_WORDS[re.sub(r"\s+", " ", m.group(1).lower())])
                nxt = re.match(r"\s*(?:,\s*(?:and|or)?|and/or|and|or|/)\s*", tail[m.end() :])
                if not nxt:
                    break
                pos = m.end() + nxt.end()
        if re.search(r"\bnursing superior\b", sentence, re.I):
            found.append("rn")
        for who in dict.fromkeys(found):
            if who not in posting.supervisors:
                posting.supervisors.append(who)
                posting.supervisor_texts[who] = sentence
            if posting.supervisor is None and who in ("physician", "rn", "np", "pa", "podiatrist"):
                posting.supervisor = who
                posting.supervision_text = sentence
        alone = _AUTONOMOUS.search(sentence)
        if (
            not posting.autonomous
            and alone
            and not _NEGATION.search(sentence[max(0, alone.start() - 25) : alone.start()])
        ):
            posting.autonomous = sentence
            posting.autonomy = "general" if re.match(r"independently", alone.group(0), re.I) else "none"
        if _ONSITE.search(sentence) and re.search(r"\b(physician|provider|supervis)", sentence, re.I):
            posting.supervision = "direct"

    def read(self, text: str, source: str, state: str | None = None, state_field: str = "--state") -> Posting:
        """A posting's text (plain, Markdown or HTML) read: its state, title, duties, the credentials
        it demands, and how it says the MA is supervised. `state_field` is how the asker gives the
        state (the CLI's --state, the API's `state`): errors and the state's evidence name it."""
        text = _checked_text(text, source)
        code: str | None
        if state:
            code, evidence = self.resolver.jurisdiction(state, field=state_field), state_field
        else:
            code, evidence = self.find_state(text)
        redefined = self._redefined(text)
        title, title_id = self.find_title(text, frozenset(redefined))
        parts = split_sections(text)
        posting = Posting(
            source,
            text,
            code,
            evidence,
            title,
            title_id,
            sentences=[p.text for p in parts],
            parts=parts,
            language=_language(text),
            state_field=state_field,
        )
        if title:
            short = {"licensed practical nurse": "LPN", "licensed vocational nurse": "LVN", "registered nurse": "RN"}
            posting.other_roles = sorted(
                {short.get(m.group(1).lower(), m.group(1).upper()) for m in _LICENSED_NURSE.finditer(title)}
            )
        self._read_parts(posting, parts, redefined, code)
        return posting

    def _read_parts(self, posting: Posting, parts: list[Sentence], redefined: set[str], code: str | None) -> None:
        """Each part once: its duties, work no MA task covers, supervision, and credential demands,
        with "one of the following:" lists gathered into one any-of demand."""
        certified_title = bool(posting.title and re.search(r"\bcertified\b|\bcma\b", posting.title, re.I))
        list_intro = 0  # sentences left in a "one of the following:" list
        list_demand: Demand | None = None
        seen_texts: set[str] = set()
        for part in parts:
            s = part.text
            if s not in seen_texts:  # a repeated paragraph is read once
                posting.duties += self.duties(s, part.section, posting.text)
                posting.not_ma += self.not_ma_work(s, part.section)
            self._supervision(posting, s)
            if part.role or part.section in ("benefits", "eeo", "about", "meta", "health"):
                seen_texts.add(s)
                continue
            in_list = list_intro > 0
            found = self.demands(
                s, part.section, redefined=redefined, code=code, certified_title=certified_title, in_list=in_list
            )
            if in_list and list_demand is not None and found and len(s.split()) <= 14 and not _EEO.search(s):
                for d in found:  # one item of "certification from one of the following:"
                    list_demand.credentials += [c for c in d.credentials if c not in list_demand.credentials]
                list_demand.any_of = len(list_demand.credentials) > 1
                list_intro -= 1
            elif in_list and len(s.split()) <= 14 and not found:
                list_intro -= 1
            else:
                list_intro = 0
                if s not in seen_texts:
                    posting.demands += found
                if re.search(r"\b(one of the following|any of the following|one of these)\b", s, re.I) and (
                    found or re.search(r"certif|licen|credential|registr", s, re.I)
                ):
                    list_demand = found[0] if found else Demand(s, [], True)
                    if not found:
                        posting.demands.append(list_demand)
                    list_demand.required = not (_PREFERRED.search(s) or _PATHWAY.search(s))
                    list_intro = 12
            seen_texts.add(s)
