"""Abbreviation data for legal sentence-boundary detection.

A period after an abbreviation is the main reason generic sentence splitters
fail on legal text ("42 U.S.C. § 1983", "Smith v. Jones", "9th Cir. 1999",
"Acme, Inc. v. Doe").  The lists here follow the Bluebook's abbreviation
tables (reporters, courts, states, months, case-name words) and the usual
litigation-record abbreviations ("Compl.", "Mot.", "Decl.").  They are split
by how the abbreviation behaves at a possible sentence end, because that, not
the list it comes from, decides the boundary:

* ``PREFIX``: abbreviations that announce something that follows (a name, a
  number, a case) and practically never end a sentence: ``Mr.``, ``v.``,
  ``No.``, ``U.S.C.``, ``e.g.``.
* ``TERMINAL``: abbreviations that often *do* end a sentence: ``Inc.``,
  ``Id.``, ``et al.``, ``etc.``.  A following capitalized word that is not
  itself an abbreviation or initial starts a new sentence.
* everything else in ``ABBREVIATIONS`` is *ambiguous* (``U.S.``, ``Cal.``,
  ``Cir.``, ``Compl.``): the period ends a sentence only before a word that
  typically starts sentences (``The``, ``In``, ``However``...).

Entries are written without their final period.  Lookups accept the listed
form, its ALL-CAPS form (captions: ``INC.``, ``NO.``) and, for lowercase
entries, the capitalized form (``Id.``, ``Cf.``).
"""

from __future__ import annotations

PREFIX: frozenset[str] = frozenset(
    """
    Mr Mrs Ms Messrs Mmes Dr Drs Hon Prof Rev Gen Gov Sen Sens Rep Reps Lt Col Capt Sgt Maj Cmdr Adm Cpl Pvt
    Pres Supt Insp Det Atty Att'y Ass't Asst Msgr Fr St Ste Mt Ft
    v vs No Nos Art Arts Sec Secs Ch Chs Cl Subch Pt Pts Para Paras Par Pars Sched Exh Ex App'x Tit
    Pub Stat Reg Regs Fed Civ Crim Evid Proc Admin Sup Super Bankr Cong Sess Jud Legis
    U.S.C U.S.C.A U.S.C.S C.F.R U.S.S.G F.R.D B.R Fed.Reg Fed.R
    e.g i.e cf viz Cf E.g I.e
    n nn p pp pg vol vols ed eds ch para subd cl sec secs art arts fn fns tit
    c eff rel Wm Chas Thos Geo Jas Benj cmt illus Arg Jur Amend amend Mot Summ Opp Def Defs Def's Pl Pls Pl's Pet Pets Resp Resps Br Supp Mem Dkt Tr Dep Depo Hr'g Hrg
    Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec
    approx ca est
    """.split()
)

TERMINAL: frozenset[str] = frozenset(
    """
    Inc Corp Co Cos Ltd Bros L.L.C L.L.P L.P P.C P.A P.L.L.C N.A S.A A.G GmbH Plc PLC LLC LLP
    Jr Sr Esq
    Id id Ibid ibid al etc seq et\u00a0seq passim
    """.split()
)

AMBIGUOUS: frozenset[str] = frozenset(
    """
    U.S U.S.A D.C N.Y N.J N.C N.D N.H N.M S.C S.D R.I W.Va Va Wash Wis Wyo Ala Ariz Ark Cal Colo Conn Del Fla Ga
    Haw Ida Ill Ind Iowa Kan Ky La Md Mass Me Mich Minn Miss Mo Mont Neb Nev Okla Or Pa Tenn Tex Utah Vt
    F F.2d F.3d F.4th S.Ct Ct L.Ed L.Ed.2d So So.2d So.3d N.E N.E.2d N.E.3d N.W N.W.2d S.E S.E.2d S.W S.W.2d S.W.3d
    P P.2d P.3d A A.2d A.3d Cal.Rptr N.Y.S N.Y.S.2d M.J Vet Wheat Wall Pet Cranch Dall
    Cir Dist Div App Cl Ct Bankr Fed Sup Super Cnty Cty Twp Dep't Dept Gov't Comm'n Ass'n Int'l Nat'l Env't
    Compl Decl Aff Aff'd Countercl Op Tr Ex Exs Exh Att Attach Rec R Doc Docs
    Ann Const Amend Supp Rptr Rev Rptr L Ed Cong Sess H.R S.Rep H.Rep Doc Res
    Univ Inst Assoc Assn Auth Bd Comm Comm'r Corr Cent Mfg Ins Sav Fin Elec Tel Transp Envtl Indus Prods Servs Sys
    Tech Hosp Med Mut Mun Nat Sch Soc Sec Sur Util Ave Blvd Rd Hwy Pkwy Sq Bldg Fl Ste Rm
    Mar Am Eng Brit Eur Rev L.J L.Rev J Q
    a.m p.m A.M P.M U.K E.U U.N Ph.D J.D LL.M M.D B.A M.A
    """.split()
)

ABBREVIATIONS: frozenset[str] = PREFIX | TERMINAL | AMBIGUOUS

_UPPER = {a.upper(): a for a in ABBREVIATIONS}
_CAPITALIZED = {a[:1].upper() + a[1:]: a for a in ABBREVIATIONS if a[:1].islower()}
#: Lowercase spellings of capitalized entries ("app.", "amend.", "supp."), except
#: where the lowercase form is an ordinary word that ends sentences.
_LOWER_WORDS = frozenset("no me or ill miss mass wash pet rep order doc code op am law so reply black how wall rec q j".split())
_LOWERED = {a.lower(): a for a in ABBREVIATIONS if not a[:1].islower() and a.lower() not in _LOWER_WORDS}


def lookup(token: str) -> str | None:
    """The list entry ``token`` (without its final period) stands for, or None.

    Accepts the exact form, the ALL-CAPS form of any entry and the
    capitalized form of a lowercase entry.
    """
    if token in ABBREVIATIONS:
        return token
    if token.isupper() and token in _UPPER:
        return _UPPER[token]
    found = _CAPITALIZED.get(token)
    if found is None and token.islower():
        found = _LOWERED.get(token)
    return found


def behaviour(entry: str) -> str:
    """``prefix``, ``terminal`` or ``ambiguous`` for a list entry (PREFIX wins)."""
    if entry in PREFIX:
        return "prefix"
    if entry in TERMINAL:
        return "terminal"
    return "ambiguous"


#: Capitalized words that typically open a sentence.  After an ambiguous
#: abbreviation (``U.S.``, ``Cal.``) only these make the period a boundary, so
#: "U.S. District Court" stays together while "the U.S. The court" splits.
SENTENCE_STARTERS: frozenset[str] = frozenset(
    """
    The A An In On At For As But However Thus Therefore Accordingly Moreover Furthermore Although Because Since If
    When While Where Whether This That These Those It Its He She They We I You His Her Their Our There Here Such
    Nor Not Neither Both Each Every All Any Some Many Most Other Another After Before During Under Upon Following
    Finally First Second Third Fourth Further Additionally Also Even Nevertheless Nonetheless Instead Rather
    Similarly Likewise Consequently Hence Indeed Again Then Later And Or So Yet To By With Without From Of Only
    See Compare Accord Contra Based Given Having Though Unless Until What Which Who Whom Whose Why How
    Plaintiff Plaintiffs Defendant Defendants Appellant Appellants Appellee Appellees Petitioner Petitioners
    Respondent Respondents Movant Claimant Debtor Creditor Veteran Board Court Government Congress Accordingly
    In_addition Absent Applying Despite Pursuant Regardless Notwithstanding Specifically Generally Ultimately
    Here Now No Yes Once Today Previously Subsequently Thereafter Meanwhile Next Last Lastly Overall
    """.split()
)

#: Capitalized words after which a single capital letter is a label, not an
#: initial ("Exhibit A.", "Schedule B.", "Class C.").
LABEL_WORDS: frozenset[str] = frozenset(
    """
    Exhibit Exhibits Schedule Schedules Annex Appendix Attachment Part Class Series Item Tab Plan Group Phase
    Type Tier Level Option Alternative Section Article Chapter Title Count Counts Claim Claims Rule Table Figure
    EXHIBIT SCHEDULE ANNEX APPENDIX ATTACHMENT PART CLASS SERIES ARTICLE SECTION CHAPTER TITLE COUNT
    """.split()
)
