"""Word lists for the offline engine. `STOPWORDS` are English function words; `GENERIC` are words
that occur in documentation about anything (boilerplate nouns, generic verbs and adjectives) and so
say nothing about what a document teaches. Both split candidate phrases; neither is ever a key
concept on its own."""
from __future__ import annotations

STOPWORDS = frozenset("""
a about above across after afterwards again against all almost alone along already also although
always am among amongst an and another any anybody anyhow anyone anything anyway anywhere are
around as at be became because become becomes becoming been before beforehand behind being below
beside besides between beyond both but by can cannot could did do does doing done down during each
either else elsewhere enough etc even ever every everyone everything everywhere except few for
from further had has have having he hence her here hereby herein hers herself him himself his how
however i if in indeed instead into is it its itself just last least less let lets like many may
me meanwhile might mine more moreover most mostly much must my myself namely neither never
nevertheless next no nobody none nor not nothing now nowhere of off often on once one only onto
or other others otherwise our ours ourselves out over own per perhaps please quite rather re
really same several shall she should since so some somehow someone something sometime sometimes
somewhere still such than that the their theirs them themselves then thence there thereafter
thereby therefore therein thereupon these they this those though through throughout thru thus to
together too toward towards under unless until up upon us very via was we well were what whatever
when whence whenever where whereafter whereas whereby wherein whereupon wherever whether which
while whither who whoever whole whom whose why will with within without would yes yet you your
yours yourself yourselves inside outside alongside despite unlike near past
i'm you're it's don't doesn't isn't aren't can't won't you'll we'll let's that's there's here's
what's e.g i.e vs cf ie eg ok okay
""".split())

GENERIC = frozenset("""
able above add added adding additional allow allows also always another appear approach
available back based basic basically begin below best better bit called case cases certain
change changes check choose chapter click come comes common completely consider contain contains
content contents course create created current default describe described description detail
details different directly do document documentation documents does done doing easily easy
enable end ensure entire especially etc every example examples exist existing explain explained
explains fact feel file find first follow followed following follows found free full fully
further generally get gets getting give given gives go goes going good great guide handle happen
help helps here high however important include included includes including information instead
introduction item items just keep kind know known large later learn learned learning least let
like likely line lines list look looks lot lots low made main make makes making manner many mean
means mention mentioned might more most much name named need needed needs new next nice note notes
now number numerous often old one ones open option options order other otherwise overview page
pages paragraph part particular parts people place point possible pretty previous probably
process provide provided provides put quick quickly rather read ready real really reason refer
related relevant remember required requires result right run runs said same say says second
section sections see seen set sets show shown shows side similar simple simply since small so
some something soon specific start started step steps still stuff sure take takes tell text
thing things think third time times tip tips title today top topic topics try turn two type
types understand use used useful user users uses using usually value various version want wants
way ways well whole within word words work works working write written yes
license licence features prerequisites parameters returns raises attributes methods docs
changelog faq question questions frequently asked readme unreleased fixed added removed
deprecated tutorial tutorials advanced notable todo intro beginner beginners welcome thanks
older newer larger smaller faster slower higher lower longer shorter bigger greater earlier
easier harder worse
""".split()) - {"change", "changes", "process", "version", "order", "line", "lines", "high",
                 "low", "topic", "topics"}

# Verbs that open an instruction ("Install the CLI", "Configure TLS"): how-to cues and the seed
# of learning objectives. Deliberately excludes "see", "note", "click", "ignore" and the like.
IMPERATIVE_VERBS = frozenset("""
activate add adjust allocate analyse analyze apply attach authenticate authorize automate avoid
back benchmark bind boot build bundle cache call change check choose clean clear clone commit
compare compile compose compute configure connect consume containerize convert copy create
customise customize debug declare decode define delete deploy design detect disable download
drain edit enable encode encrypt ensure enter establish evaluate execute explore export extend
extract fetch filter find fix fork format generate grant handle implement import increase index
initialise initialize inspect install integrate invoke launch link lint list load log login
manage map measure merge migrate mock modify monitor mount move navigate observe obtain open
optimise optimize override package parse partition patch pick pin plan plot populate prepare
print profile provision publish pull push query read rebuild receive record reduce refactor
register reload remove rename render replace replicate report request reset resolve restart
restore restrict retrieve retry return review revoke roll rotate run save scale schedule scrape
secure select send serialize serve set setup share ship shut sign specify split start stop store
stream subscribe switch sync tag test track train transform trigger troubleshoot tune turn
uninstall unpack update upgrade upload use validate verify view visualise visualize wait watch
wrap write
""".split())
