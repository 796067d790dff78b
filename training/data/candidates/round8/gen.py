# A. negated manual steps in the data path = in_place, with gap contrasts
rows = []
def add(text, area, status, voice, pair=None, autonomy="no_action"):
    r = {"text": text, "area": area, "status": status, "autonomy": autonomy, "voice": voice}
    if pair: r["pair"] = pair
    rows.append(r)
D = "data_pipeline"
pairs = [
 ("Nobody re-keys the meter readings any more; they flow from the telemetry hub every fifteen minutes.", "The meter readings are re-keyed by a clerk from the telemetry printouts every week.", "narrative"),
 ("none of the invoice files are touched by a person before the model reads them", "every invoice file gets opened and fixed by a person before the model reads it", "slack"),
 ("Not a single spreadsheet sits between the customs system and the classifier.", "A spreadsheet that someone updates by hand sits between the customs system and the classifier.", "narrative"),
 ("Data: green - haul truck sensor data lands automatically for the whole fleet, no one uploads files", "Data: red - someone uploads the haul truck sensor files from a USB stick each week", "status"),
 ("no hand edits to the timetable feed, it comes straight out of the scheduling system", "timetable feed is hand edited before we load it", "slack"),
 ("Input: the live claims queue from Guidewire, with nothing exported or cleaned manually along the way", "Input: a Guidewire export that an analyst cleans manually before each run", "onepager"),
 ("We no longer paste anything into the prompt: the rates come from the pricing service on every call.", "We paste the current rates into the prompt whenever someone remembers.", "narrative"),
 ("nothing gets copy pasted from the HR portal, payroll data comes over the API nightly", "payroll data gets copy pasted from the HR portal into a sheet when we need a refresh", "slack"),
 ("There is no manual download step: the kiln readings stream into the feature store as they happen.", "The kiln readings are downloaded by hand from the plant historian once a month.", "narrative"),
 ("The old CSV drop is switched off and the model reads the booking table directly.", "The model still reads a CSV drop that someone refreshes when bookings look stale.", "narrative"),
 ("no one tidies the survey answers before scoring, the pipeline does the checks", "someone tidies the survey answers by hand before each scoring run", "slack"),
 ("Freight manifests arrive from the carrier EDI feed for every lane; zero manual touches.", "Freight manifests are typed in from the carrier PDFs by the ops team.", "status"),
 ("we don't hand-pick the training tickets anymore, the export job pulls all of them every night", "we hand-pick which tickets go into the training set", "slack"),
 ("Since March no coder edits the discharge summaries before the model sees them; they come from the EHR interface engine.", "A coder edits the discharge summaries before the model sees them.", "narrative"),
 ("**Data flow:** gym check-ins and billing events are streamed from the club system, no manual merging", "**Data flow:** gym check-ins and billing events are merged by hand in Excel each Friday", "onepager"),
 ("no human in the data path at all, from the ticket system to the model", "a human sits in the data path, copying tickets across by hand", "slack"),
 ("Nobody has to clean the addresses first any more, the postcode service fixes them at source.", "Somebody has to clean the addresses first, every time.", "narrative"),
 ("nothing manual in the feed - dental claims come in over the clearing house API all day", "the dental claims feed is manual - we download the clearing house batch and load it", "slack"),
 ("We stopped keeping a local copy: the assistant queries the policy store live.", "We keep a local copy of the policy store that is refreshed by hand now and then.", "narrative"),
 ("zero files emailed around, lab results come through the LIMS integration", "lab results are emailed to us as files and saved to a shared drive", "slack"),
 ("Data prep: none needed, the procurement invoices arrive structured from the e-invoicing hub", "Data prep: an analyst restructures the procurement invoices by hand before each batch", "onepager"),
 ("No-one maintains a lookup table by hand; product codes are mapped in the master data system.", "Someone maintains the product code lookup table by hand.", "narrative"),
 ("Inspection reports are read straight from the field app, nobody scans paper forms anymore", "Inspection reports are still paper forms that a clerk scans in", "status"),
 ("the fuel card transactions never pass through anyone's laptop, they go warehouse to model", "the fuel card transactions go through an analyst's laptop before the model", "slack"),
 ("Nothing is keyed in twice: tenancy data comes from the lettings platform as it changes.", "Tenancy data is keyed in twice, once in the lettings platform and once in our sheet.", "narrative"),
]
for i, (pos, neg, voice) in enumerate(pairs):
    p = f"r8a-{i:03d}"
    add(pos, D, "in_place", voice, p)
    add(neg, D, "gap", voice, p)
# bare negated positives, short
for t, v in [
 ("nothing hand-fed", "slack"), ("no manual uploads", "slack"), ("no one exports anything", "slack"),
 ("Manual copying: none.", "onepager"), ("Hand-cleaning: stopped in May.", "onepager"),
 ("no more manual CSVs", "slack"), ("Nobody touches the data on the way in.", "narrative"),
 ("None of it is typed in by hand.", "narrative"), ("no laptop step, no sheet, all automated", "slack"),
 ("Data: green, nothing manual", "status"), ("We don't export anything by hand.", "narrative"),
 ("no copy paste anywhere", "slack"),
]:
    add(t, D, "in_place", v)
# negated negatives contrasted with real gaps in short form
for t, v in [("still exporting by hand every week", "slack"), ("data gets copied across manually", "slack"),
             ("Manual copying: every Monday.", "onepager"), ("Someone types it all in by hand.", "narrative")]:
    add(t, D, "gap", v)
# B. long positive sentences describing a live feed = in_place data
for t, v in [
 ("It forecasts each depot's parcel volume for the next day from the scan events that the sorting system sends automatically every hour.", "narrative"),
 ("it scores every new tenancy application from the lettings platform data, which syncs on its own every few minutes", "slack"),
 ("The model ranks tomorrow's maintenance jobs using the fault codes that the trains upload by themselves overnight.", "narrative"),
 ("Churn scores are computed each morning from the billing and usage events the platform streams to the warehouse.", "status"),
 ("The assistant suggests a clinical code for each discharge using the EHR record, read live at the moment the coder opens it.", "narrative"),
 ("it predicts kiln temperature drift from plant historian data that arrives automatically every minute", "slack"),
 ("We generate the staffing plan for each store from footfall counters that post their counts automatically every night.", "narrative"),
 ("The classifier reads every customs declaration from the broker system as it is filed, across all ports.", "onepager"),
]:
    add(t, D, "in_place", v)

W = "workflow_adoption"
# C. workflow negated positives with contrasts
wp = [
 ("there's no separate login, it sits in the CRM sidebar", "it needs a separate login, it's not in the CRM", "slack"),
 ("Planners don't have to open anything new: the suggestions show up in the scheduling screen they use all day.", "Planners have to open a separate web page to see the suggestions.", "narrative"),
 ("no extra clicks for the agents, the draft is already in the reply box", "agents need several extra clicks to pull the draft into the reply box", "slack"),
 ("Nobody has to switch windows; the checks appear inside the claims workbench.", "Adjusters have to switch to another window to see the checks.", "narrative"),
 ("**How it is used:** inside the existing ticket view, no second screen", "**How it is used:** a second screen next to the ticket view", "onepager"),
 ("coders never leave the encoder, the suggestion is a field in it", "coders leave the encoder and paste the suggestion in from a portal", "slack"),
 ("Adoption: green - no new tool to learn, it lives in Outlook", "Adoption: amber - a new tool to learn outside Outlook", "status"),
 ("There is nothing extra to install and no new password to remember.", "Everyone has to install an extra app with its own password.", "narrative"),
 ("no retyping for the inspectors, findings go from the app into the case file", "inspectors retype findings from the app into the case file", "slack"),
 ("Dispatchers don't copy anything across - accepting a route updates the board.", "Dispatchers copy each suggested route across to the board by hand.", "narrative"),
]
for i, (pos, neg, v) in enumerate(wp):
    p = f"r8c-{i:03d}"
    add(pos, W, "in_place", v, p)
    add(neg, W, "gap", v, p)

# D. past plans that never happened = gap (across areas), with done contrasts
dp = [
 ("Linking it to the asset register was in the original scope and never happened.", "Linking it to the asset register was in the original scope and went live in May.", "legacy_integration", "narrative"),
 ("we meant to get the privacy team to look at it, but it slipped", "the privacy team looked at it in August and signed it off", "governance", "slack"),
 ("A drift dashboard was supposed to be built before launch.", "A drift dashboard was built before launch and is checked daily.", "mlops_observability", "narrative"),
 ("the plan was to train all three shifts, only the day shift ever got it", "all three shifts were trained as planned", "workflow_adoption", "slack"),
 ("A business owner was going to be named after the pilot; nobody was.", "A business owner was named after the pilot: the head of collections.", "roi_ownership", "narrative"),
 ("The nightly feed was on the roadmap for Q2 and got pushed.", "The nightly feed was on the roadmap for Q2 and has run since April.", "data_pipeline", "narrative"),
 ("we intended to write a runbook, never got round to it", "we wrote the runbook and the on-call team uses it", "mlops_observability", "slack"),
 ("Security review: was pencilled in for March, didn't happen", "Security review: done in March, no findings open", "governance", "status"),
 ("The API connection to the billing system had been agreed in principle and then deprioritised.", "The API connection to the billing system was agreed and built by the integration team.", "legacy_integration", "narrative"),
 ("There was meant to be a baseline measured before go-live; there wasn't.", "A baseline was measured before go-live and the target is set against it.", "roi_ownership", "narrative"),
 ("should have had a kill switch before it went live, it still doesn't", "it got a kill switch before it went live", "agentic", "slack"),
 ("Originally a data contract with the source team was part of the plan; it was dropped to hit the date.", "A data contract with the source team was signed before the date.", "data_pipeline", "narrative"),
]
for i, (gap, done, area, v) in enumerate(dp):
    p = f"r8d-{i:03d}"
    add(gap, area, "gap", v, p)
    add(done, area, "in_place", v, p)

# E/F. headings carry the area; the body is terse
heads = {
 "data_pipeline": (["Data", "Data source", "Inputs", "Data feed"], ["live feed from the source systems, all sites", "automated nightly load, full volume", "streamed from production, no manual steps", "production feed, owned by data engineering"]),
 "roi_ownership": (["Owner", "Business case", "Value", "Sponsor"], ["head of operations, who holds the budget", "signed, target and baseline agreed", "handling time down 18% against the control group", "the CFO, funding the run cost"]),
 "governance": (["Risk", "Compliance", "Approvals", "Privacy"], ["model risk review passed in June", "signed off, audit trail in place", "all approvals granted, none pending", "DPIA approved by the DPO"]),
 "workflow_adoption": (["Adoption", "Users", "Rollout", "Use"], ["80% of the team use it daily", "trained and using it inside their usual tool", "all four regions live, usage tracked", "built into the screen they already work in"]),
 "legacy_integration": (["Systems", "Integration", "Interfaces", "Connections"], ["reads and writes through the supported API", "built and live with the ERP", "all three interfaces in production", "connected to the core platform, change approved"]),
 "mlops_observability": (["Operations", "Monitoring", "Run", "Support"], ["on-call rota and runbook in place", "drift and quality alerts live", "versioned, rollback tested", "the platform team supports it around the clock"]),
}
gap_bodies = ["nothing planned yet", "none so far", "not set up", "not started", "nobody assigned", "TBD, nothing in place"]
fmts = [("**{h}:** {b}.", "onepager"), ("## {h}\n{B}.", "onepager"), ("{h}: {b}", "status"), ("{h} - {b}", "slack")]
k = 0
for area, (hs, rbs) in heads.items():
    for j, h in enumerate(hs):
        f, v = fmts[(j + k) % len(fmts)]
        gb = gap_bodies[(j + k) % len(gap_bodies)]
        rb = rbs[j]
        p = f"r8e-{k:02d}{j}"
        add(f.format(h=h, b=gb, B=gb.capitalize()).replace("\n", " "), area, "gap", v, p)
        add(f.format(h=h, b=rb, B=rb[:1].upper() + rb[1:]).replace("\n", " "), area, "in_place", v, p)
    k += 1

R = "roi_ownership"
# G/H. funded from a business budget, target agreed = in_place; contrasts planned/gap
gp = [
 ("The running cost is now paid from the claims operations budget.", "Who pays the running cost after the pilot is still open.", "gap", "narrative"),
 ("run cost moved onto the service desk's opex this quarter", "run cost will move onto the service desk's opex next year, not agreed yet", "planned", "slack"),
 ("Funding: carried by the logistics P&L from July", "Funding: innovation budget only, ends in July", "gap", "status"),
 ("His target, cutting audit prep from ten days to four, is signed into the finance plan for next year.", "A target for audit prep time is still to be agreed with finance.", "planned", "narrative"),
 ("Target agreed with the COO: first-contact resolution from 61% to 70% by June.", "Target: to be agreed with the COO.", "planned", "status"),
 ("the head of lettings owns the number and reviews it monthly", "nobody owns the number yet", "gap", "slack"),
 ("The plant director signed off a goal of 15% less scrap and holds the budget for it.", "The plant director likes the demo but has not signed up to any goal.", "gap", "narrative"),
 ("**Business owner:** Director of Member Services, who funds the licences from her budget", "**Business owner:** none named; licences paid from the IT innovation fund", "gap", "onepager"),
]
for i, (pos, other, st, v) in enumerate(gp):
    p = f"r8g-{i:03d}"
    add(pos, R, "in_place", v, p)
    add(other, R, st, v, p)

M = "mlops_observability"
# I. rollback and versioning in place (short factual statements) vs gaps
ip = [
 ("Rolling back to the last prompt version is one switch in the config service.", "There is no way to roll back to the last prompt version.", "narrative"),
 ("prompt versions are tagged, reverting takes a minute", "prompt versions aren't tracked, reverting means guessing", "slack"),
 ("A new model only ships after the regression set passes.", "A new model ships without any regression set.", "narrative"),
 ("Alerts on error rate and cost page the platform on-call.", "Nobody is paged when the error rate or cost jumps.", "narrative"),
 ("Monitoring: green - quality sampled weekly, drift alarms live", "Monitoring: red - no quality sampling, no drift alarms", "status"),
 ("Restoring the previous model is a documented, tested step.", "Restoring the previous model has never been tried.", "narrative"),
]
for i, (pos, neg, v) in enumerate(ip):
    p = f"r8i-{i:03d}"
    add(pos, M, "in_place", v, p)
    add(neg, M, "gap", v, p)

# J. a defect that was fixed and is gone = in_place
fixed = [
 ("The stale rate sheet is gone; prices come from the pricing API now.", D),
 ("the copy of the handbook in the prompt was removed, it reads the live policy site", D),
 ("The old side portal was retired and the feature moved into the case screen.", W),
 ("the shared admin password was replaced by per-service accounts with read-only scope", "governance"),
 ("The screen-scraping bot was retired in favour of the supported API.", "legacy_integration"),
 ("The blind spot is closed: every answer and source is now logged and sampled.", M),
]
for t, a in fixed:
    add(t, a, "in_place", "narrative")

# K. nobody has reviewed it / no one outside the team has looked = governance gap
for t, v in [
 ("no one from risk has looked at it yet", "slack"),
 ("Only the project team has seen it; legal and privacy have not been asked.", "narrative"),
 ("Governance: nobody outside engineering has reviewed it", "status"),
 ("we haven't shown it to compliance at all", "slack"),
 ("The model risk team doesn't know the pilot exists.", "narrative"),
 ("no DPIA, no security review, nobody from legal involved", "slack"),
]:
    add(t, "governance", "gap", v)
import json, collections
with open("training/data/candidates/round8/r8_contrast.jsonl", "w") as f:
    for r in rows:
        f.write(json.dumps(r) + "\n")
print(len(rows))
