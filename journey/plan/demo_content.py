"""The demo workspace's content: Fernhill Coffee Roasters, a small roastery in Portland that delivers
freshly roasted coffee on subscription to offices.

Its five stages, lanes and 19 emails (written with the workspace brand's tags, like the starter's), its brand
(DEMO_BRAND), two personas and the journey. journey.plan.demo loads them; the starter
(journey.plan.starter) is the neutral template any workspace starts from. Kept as it was written, byte for
byte: the demo's metrics, walk-throughs and screenshots are built on these names (tests/test_demo_content.py).
"""

from __future__ import annotations

from journey.plan.starter import SIGNUP_REASON, SITE, StarterStage, template_email

# The demo workspace's brand (journey.plan.demo saves it when it loads the demo).
DEMO_BRAND: dict[str, str] = {
    "name": "Fernhill Coffee Roasters",
    "address": "Fernhill Coffee Roasters, 214 Alder Street, Suite 3, Portland, OR 97209, USA",
    "website": "https://fernhillcoffee.example",
    "logo_url": "",
    "sender_name": "Nora Ellis",
    "reply_to": "hello@fernhillcoffee.example",
    "primary_color": "#8a4b2a",
    "background_color": "#f4efe9",
    "text_color": "#2b2118",
}

_SIGNOFF = """        <mj-text>Happy brewing,<br />{{ brand.sender_name }}, {{ brand.name }}</mj-text>"""

# --- Awareness: the welcome series ------------------------------------------------------------

_WELCOME = template_email(
    "Welcome",
    "Deliver the Office Coffee Guide they signed up for, say who we are and set expectations: "
    "two more short emails this week, then one a fortnight.",
    "signup",
    0,
    "Your Office Coffee Guide is here",
    "Plus what to expect from us: two short emails this week, then one every two weeks.",
    "Download the guide",
    f"{SITE}/guide/office-coffee?utm_source=email&utm_campaign=welcome_1",
    """        <mj-text mj-class="heading">Welcome to {{ brand.name }}, {{ first_name | default: "there" }}</mj-text>
        <mj-text>Thanks for asking for our Office Coffee Guide. It's 12 pages on choosing beans, grinding, brewing for a team and keeping the machine happy, written by the people who roast your coffee.</mj-text>
        <mj-text>We're a small roastery. We roast on Mondays and Thursdays and ship the same day, so beans reach offices like {{ company | default: "yours" }} within a week of roasting.</mj-text>
        <mj-text>What to expect: two more short emails this week with our best tips, then one email every two weeks. No daily blasts, promise.</mj-text>""",
    _SIGNOFF,
    reason=SIGNUP_REASON,
)

_VALUE = template_email(
    "Three brewing mistakes",
    "Give real value before asking for anything: three fixes for bitter office coffee that work "
    "with the beans and machine they already have.",
    "previous_email",
    48,
    "3 reasons your office coffee tastes bitter",
    "Small fixes with the machine you already have: grind, water and how long the pot sits.",
    "Read the full brew guide",
    f"{SITE}/blog/bitter-office-coffee?utm_source=email&utm_campaign=welcome_2",
    """        <mj-text mj-class="heading">Bitter coffee is usually fixable</mj-text>
        <mj-text>Hi {{ first_name | default: "there" }}, here are the three things we see most often when we visit offices:</mj-text>
        <mj-text><strong>1. The grind is too fine.</strong> Drip machines want a grind like coarse sand. Too fine and the water pulls out the bitter compounds.</mj-text>
        <mj-text><strong>2. The water is too hot or too hard.</strong> Aim for 92-96 °C, and use filtered water if your kettle has scale.</mj-text>
        <mj-text><strong>3. The pot sits on the hot plate.</strong> After 20 minutes coffee starts to stew. Brew smaller batches or pour it into a thermal jug.</mj-text>""",
    _SIGNOFF,
    reason=SIGNUP_REASON,
)

_HINT = template_email(
    "Fresh beans every two weeks",
    "Introduce the office subscription gently: what it is, how flexible it is, and where to see "
    "the plans, without a hard sell.",
    "previous_email",
    72,
    "Fresh coffee for your team, every two weeks",
    "Roasted on Monday, at your office by Thursday. Pause or change your plan any time.",
    "See the office plans",
    f"{SITE}/plans?utm_source=email&utm_campaign=welcome_3",
    """        <mj-text mj-class="heading">Never run out of good coffee again</mj-text>
        <mj-text>Hi {{ first_name | default: "there" }}, most teams find us when the office coffee runs out on a Monday morning. Our office subscription fixes that for good:</mj-text>
        <mj-text>• Beans roasted to order and delivered every two weeks<br />• Whole bean or ground for your machine<br />• Plans for teams of 5 to 50, with no contract<br />• Pause, skip or change blends in two clicks</mj-text>
        <mj-text>No pressure: have a look at the plans and see which one fits {{ company | default: "your team" }}.</mj-text>""",
    _SIGNOFF,
    reason=SIGNUP_REASON,
)

# --- Consideration ------------------------------------------------------------------------------

_CASE_STUDY = template_email(
    "Case study: Northwind Design",
    "Prove value with a team like theirs: how a 14-person design studio switched from pods to "
    "us, cut its coffee bill and got happier mornings. Goes out ten days after signup, once "
    "the welcome series is over.",
    "signup",
    240,
    "How a 14-person studio cut its coffee bill by 30%",
    "Northwind Design swapped pods for fresh beans. Here's what changed, and what it cost.",
    "Read Northwind's story",
    f"{SITE}/stories/northwind-design?utm_source=email&utm_campaign=case_study",
    """        <mj-text mj-class="heading">From pods to fresh beans in one week</mj-text>
        <mj-text>Hi {{ first_name | default: "there" }}, Priya runs operations at Northwind Design, a 14-person studio in Seattle. Last spring their pod machine was costing them $410 a month and nobody liked the coffee.</mj-text>
        <mj-text>They moved to our Team plan and a simple bean-to-cup machine. Three months in:</mj-text>
        <mj-text>• <strong>30% lower</strong> monthly coffee spend<br />• <strong>No more plastic pods</strong> in the bin<br />• And, in Priya's words, "people actually hang out in the kitchen again."</mj-text>""",
    _SIGNOFF,
)

_FREE_TRIAL = template_email(
    "Free tasting box",
    "Lower the risk of trying us: offer a free tasting box of three blends to people who looked at "
    "the plans but did not subscribe.",
    "product_view",
    24,
    "Try three blends on us, free",
    "A free tasting box for your office: three 250 g bags, shipped this week. No card needed.",
    "Claim your tasting box",
    f"{SITE}/tasting-box?utm_source=email&utm_campaign=free_trial",
    """        <mj-text mj-class="heading">Taste before you decide</mj-text>
        <mj-text>Hi {{ first_name | default: "there" }}, choosing coffee for a whole team is hard when you haven't tasted it. So let us send you some.</mj-text>
        <mj-text>Our free tasting box has three 250 g bags: <strong>Morning Light</strong> (bright and fruity), <strong>Alder Street</strong> (our chocolatey house blend) and <strong>Night Shift</strong> (a smooth decaf). Enough for a team of ten to try each for a few days.</mj-text>
        <mj-text>No credit card and no automatic subscription. If the team loves one, you can start a plan later.</mj-text>""",
    _SIGNOFF,
)

_DEMO = template_email(
    "Tasting call with a roaster",
    "Help trial users pick the right blend and grind: offer a 15-minute video tasting call with "
    "a roaster while the tasting box is in the office.",
    "trial_started",
    72,
    "Book 15 minutes with our head roaster",
    "We'll taste your box together and match a blend and grind to your office machine.",
    "Book a tasting call",
    f"{SITE}/tasting-call?utm_source=email&utm_campaign=demo",
    """        <mj-text mj-class="heading">Let's taste it together</mj-text>
        <mj-text>Hi {{ first_name | default: "there" }}, your tasting box should be in the office by now. Want a hand getting the most out of it?</mj-text>
        <mj-text>Book a 15-minute video call with me. We'll brew one of the blends on your machine, adjust the grind, and work out how much coffee {{ company | default: "your team" }} really gets through in a week.</mj-text>
        <mj-text>Most teams leave the call with a recipe card for the kitchen and a plan that fits their budget.</mj-text>""",
    _SIGNOFF,
)

_TESTIMONIALS = template_email(
    "What office managers say",
    "Answer the doubt 'will my team actually like it?' with short quotes from office managers, "
    "and send them back to the plans.",
    "previous_email",
    96,
    "\u201cThe team noticed on day one\u201d",
    "Three office managers on switching to us: taste, price and how little work it is.",
    "Compare the plans",
    f"{SITE}/plans?utm_source=email&utm_campaign=testimonials",
    """        <mj-text mj-class="heading">Don't take our word for it</mj-text>
        <mj-text>Hi {{ first_name | default: "there" }}, here's what people who run offices like yours told us this year:</mj-text>
        <mj-text><em>"The team noticed on day one. We used to buy supermarket beans in bulk; now people bring visitors to the kitchen."</em><br /><strong>Dana, office manager at a 20-person law firm</strong></mj-text>
        <mj-text><em>"It costs us less than the pods did, and I never have to remember to order."</em><br /><strong>Marcus, operations lead at a 9-person agency</strong></mj-text>
        <mj-text><em>"Skipping a delivery over the holidays took ten seconds."</em><br /><strong>Lena, studio manager at an architecture practice</strong></mj-text>""",
    _SIGNOFF,
)

# --- Decision -----------------------------------------------------------------------------------

_CART = template_email(
    "Abandoned cart reminder",
    "Bring back people who left a plan in the cart: remind them what they chose, answer the usual "
    "worry (commitment) and offer free shipping on the first box.",
    "cart_abandoned",
    4,
    "Your coffee plan is still in your cart",
    "Finish your order today and your first delivery ships free. Cancel or pause any time.",
    "Finish my order",
    f"{SITE}/cart?utm_source=email&utm_campaign=abandoned_cart",
    """        <mj-text mj-class="heading">Still thinking it over?</mj-text>
        <mj-text>Hi {{ first_name | default: "there" }}, you left the {{ plan | default: "office" }} plan in your cart. We've saved it for you.</mj-text>
        <mj-text>If the commitment is what's holding you back: there isn't one. Pause, skip or cancel from your account whenever you like.</mj-text>
        <mj-text>Finish your order in the next 48 hours and your first delivery ships free.</mj-text>""",
    """        <mj-text mj-class="note">Questions first? Just reply to this email; a real person at the roastery reads every reply.</mj-text>""",
)

_ORDER_CONFIRMATION = template_email(
    "Order confirmation",
    "Confirm the order straight away with what happens next (roast day, shipping day, delivery "
    "window) and where to see or change the details.",
    "purchase",
    0,
    "Order confirmed: your first roast is booked",
    "We roast your beans on the next roast day and ship them the same afternoon.",
    "View your order",
    f"{SITE}/account/orders?utm_source=email&utm_campaign=order_confirmation",
    """        <mj-text mj-class="heading">Thanks, {{ first_name | default: "there" }}, your order is in</mj-text>
        <mj-text>Your {{ plan | default: "office" }} subscription for {{ company | default: "your office" }} is confirmed. Here's what happens next:</mj-text>
        <mj-text><strong>Roast day:</strong> the next Monday or Thursday<br /><strong>Shipping:</strong> the same afternoon, with tracking by email<br /><strong>Delivery:</strong> usually 2-3 working days</mj-text>
        <mj-text>Your order details, delivery address and invoice are in your account.</mj-text>""",
    """        <mj-text mj-class="note">Need to change something? Reply to this email before roast day and we'll sort it out.</mj-text>""",
)

_THANK_YOU = template_email(
    "Thank-you from the roaster",
    "Confirm the choice was a good one with a personal thank-you from the founder, and point to "
    "the brew guide so the first bag tastes its best.",
    "purchase",
    24,
    "A quick thank-you from the roastery",
    "From the people roasting your first bag, and a two-minute guide to brewing it right.",
    "Watch the 2-minute brew guide",
    f"{SITE}/brew-guide?utm_source=email&utm_campaign=thank_you",
    """        <mj-text mj-class="heading">You made our Monday</mj-text>
        <mj-text>Hi {{ first_name | default: "there" }}, I'm {{ brand.sender_name }}, and I started {{ brand.name }} in a garage. Every new office that joins still gets a cheer at the roastery, so: thank you.</mj-text>
        <mj-text>Your first bag will be roasted by hand in small batches. To make sure it tastes the way we meant it to, we filmed a two-minute guide for the most common office machines.</mj-text>""",
    """        <mj-text>With thanks,<br />{{ brand.sender_name }}, founder</mj-text>""",
)

_SHIPPING = template_email(
    "Shipping notice",
    "Tell them the box is on its way with tracking, so the office manager can plan who receives "
    "it, and how to store the beans when it arrives.",
    "shipped",
    0,
    "Your coffee is on its way",
    "Roasted this morning and shipped this afternoon. Track the box and plan the delivery.",
    "Track your delivery",
    f"{SITE}/account/tracking?utm_source=email&utm_campaign=shipping",
    """        <mj-text mj-class="heading">Freshly roasted and on its way</mj-text>
        <mj-text>Hi {{ first_name | default: "there" }}, your beans left the roastery this afternoon and should reach {{ company | default: "your office" }} in {{ city | default: "your city" }} in 2-3 working days.</mj-text>
        <mj-text>When it arrives: keep the bags sealed, somewhere cool and dark (not the fridge). Beans are at their best from day 4 to day 30 after roasting.</mj-text>""",
    """        <mj-text mj-class="note">Won't be in the office? You can choose a safe place or another day from the tracking page.</mj-text>""",
)

# --- Retention ----------------------------------------------------------------------------------

_USAGE_TIPS = template_email(
    "Brewing tips for your machine",
    "Help the first delivery succeed: practical tips for the three machines most offices have, "
    "so the team's first cups are great and the habit sticks.",
    "delivered",
    48,
    "Get the best from your first bag",
    "Dial in your office machine in five minutes: grind, dose and a recipe card to print.",
    "Get the recipe card",
    f"{SITE}/recipe-cards?utm_source=email&utm_campaign=usage_tips",
    """        <mj-text mj-class="heading">Five minutes to a better cup</mj-text>
        <mj-text>Hi {{ first_name | default: "there" }}, your first bag has landed. Here's how to get it tasting right on the machine in your kitchen:</mj-text>
        <mj-text><strong>Drip or batch brewer:</strong> 60 g of coffee per litre of water, medium-coarse grind.<br /><strong>Bean-to-cup:</strong> set the grinder one step coarser than factory and the strength to medium.<br /><strong>French press:</strong> coarse grind, four minutes, then pour it all out so it doesn't stew.</mj-text>
        <mj-text>We made printable recipe cards for each machine. Stick one by the kettle and everyone brews it the same way.</mj-text>""",
    _SIGNOFF,
)

_LOYALTY = template_email(
    "Loyalty: Roast Club",
    "Reward repeat customers and keep them subscribed: after a month, invite them to Roast Club "
    "(every 10th bag free and early access to new single origins).",
    "delivered",
    720,
    "You're in: every 10th bag is on us",
    "Welcome to Roast Club: free bags, early access to single origins and a members' price.",
    "See your Roast Club perks",
    f"{SITE}/roast-club?utm_source=email&utm_campaign=loyalty",
    """        <mj-text mj-class="heading">Welcome to Roast Club</mj-text>
        <mj-text>Hi {{ first_name | default: "there" }}, {{ company | default: "your team" }} has been with us for a month, and that makes you Roast Club members. Nothing to sign up for; it's already on:</mj-text>
        <mj-text>• <strong>Every 10th bag free</strong>, added to your next delivery automatically<br />• <strong>Early access</strong> to each new single origin, 48 hours before everyone else<br />• <strong>10% off</strong> brewing gear for the office kitchen</mj-text>""",
    _SIGNOFF,
)

_SURVEY = template_email(
    "Two-minute survey",
    "Learn what to improve and catch unhappy customers early: a short survey on taste, quantity "
    "and delivery after two weeks of drinking.",
    "delivered",
    336,
    "How's the coffee tasting so far?",
    "Three quick questions on taste, quantity and delivery. It takes two minutes, honestly.",
    "Answer 3 questions",
    f"{SITE}/survey?utm_source=email&utm_campaign=survey",
    """        <mj-text mj-class="heading">Tell us how we're doing</mj-text>
        <mj-text>Hi {{ first_name | default: "there" }}, your team has had our coffee for a couple of weeks now. We'd love to know how it's going:</mj-text>
        <mj-text>1. How does the team like the taste?<br />2. Is it the right amount, or do you run out early?<br />3. Did delivery work for your office?</mj-text>
        <mj-text>Every answer is read by the roastery team, and we change blends and plans because of them.</mj-text>""",
    _SIGNOFF,
)

_REENGAGEMENT = template_email(
    "Re-engagement after 60 days",
    "Win back customers who paused or stopped ordering 60 days ago: ask what went wrong, offer a "
    "reason to come back, and make leaving the list just as easy.",
    "inactivity",
    0,
    "We've missed you at the roastery",
    "Your next bag is 20% off if you'd like to come back. Or tell us what we could do better.",
    "Restart my deliveries",
    f"{SITE}/account/resume?utm_source=email&utm_campaign=reengagement",
    """        <mj-text mj-class="heading">It's been a while</mj-text>
        <mj-text>Hi {{ first_name | default: "there" }}, we haven't sent coffee to {{ company | default: "your office" }} for two months, and we'd like to know why.</mj-text>
        <mj-text>If it was the taste, the price or the timing, reply and tell us; we'll suggest a better fit. If you'd like to try again, your next bag is 20% off, with the same no-contract plan.</mj-text>
        <mj-text>And if you'd rather not hear from us, you can unsubscribe below. No hard feelings.</mj-text>""",
    _SIGNOFF,
    trigger_detail="60",
)

_BIRTHDAY = template_email(
    "Birthday treat",
    "Celebrate the contact's birthday with a genuine treat: a free bag of the seasonal blend with "
    "their next delivery, no purchase needed.",
    "birthday",
    0,
    "Happy birthday! A bag of coffee is on us",
    "Add a free bag of our seasonal blend to your next delivery. Valid for 30 days.",
    "Add my free bag",
    f"{SITE}/birthday?utm_source=email&utm_campaign=birthday",
    """        <mj-text mj-class="heading">Happy birthday, {{ first_name | default: "friend" }}!</mj-text>
        <mj-text>From all of us at the roastery: have a great day. We'd like to send you a small present.</mj-text>
        <mj-text>Add a free 250 g bag of our seasonal blend to your next delivery. Take it home or share it with the team; we won't tell.</mj-text>""",
    """        <mj-text mj-class="note">The free bag can be added once within 30 days of this email.</mj-text>""",
)

# --- Advocacy -----------------------------------------------------------------------------------

_REVIEW = template_email(
    "Review request",
    "Turn happy customers into social proof for the Consideration stage: ask for a short review "
    "while the coffee is fresh in their minds.",
    "delivered",
    504,
    "Would you recommend us to another office?",
    "A two-line review helps other small teams find good coffee. It takes a minute.",
    "Write a quick review",
    f"{SITE}/review?utm_source=email&utm_campaign=review_request",
    """        <mj-text mj-class="heading">Help another office find us</mj-text>
        <mj-text>Hi {{ first_name | default: "there" }}, we're a small roastery and most new customers find us through people like you.</mj-text>
        <mj-text>If the team at {{ company | default: "your office" }} enjoys the coffee, would you write two lines about it? What you drink, what changed, anything you like. Honest reviews only; the good and the not-so-good both help us.</mj-text>""",
    _SIGNOFF,
)

_REFERRAL = template_email(
    "Referral reward",
    "Reward word of mouth: give customers a link that gets a friend's office a free first box and "
    "gets them a free bag for every office that joins.",
    "previous_email",
    168,
    "Give a free box, get a free bag",
    "Share your link: a friend's office gets its first box free and you get a bag on us.",
    "Share my referral link",
    f"{SITE}/refer?utm_source=email&utm_campaign=referral",
    """        <mj-text mj-class="heading">Know an office with sad coffee?</mj-text>
        <mj-text>Hi {{ first_name | default: "there" }}, thanks for being one of our favourite offices. If you know another team that deserves better coffee, here's a way to help them, and yourself:</mj-text>
        <mj-text>• They get their <strong>first box free</strong><br />• You get a <strong>free 1 kg bag</strong> for every office that joins<br />• There's no limit, and it takes one link</mj-text>""",
    _SIGNOFF,
)

_COMMUNITY = template_email(
    "Community invite",
    "Deepen the relationship: invite loyal customers to the monthly online tasting and the "
    "quarterly open day at the roastery, where they meet other office coffee fans.",
    "previous_email",
    336,
    "You're invited: our monthly office tasting",
    "Join other office managers online for a 30-minute tasting of next month's coffee.",
    "Save my seat",
    f"{SITE}/community?utm_source=email&utm_campaign=community",
    """        <mj-text mj-class="heading">Come taste with us</mj-text>
        <mj-text>Hi {{ first_name | default: "there" }}, on the first Thursday of every month we hold a 30-minute online tasting for our office customers. We send a sample of next month's coffee ahead of time, and we taste it together.</mj-text>
        <mj-text>It's a relaxed call: swap tips with other office managers, ask our roasters anything, and vote on which single origin we buy next. Once a quarter we also open the roastery for a Saturday morning visit.</mj-text>""",
    _SIGNOFF,
)


DEMO_STAGES: tuple[StarterStage, ...] = (
    StarterStage(
        name="Awareness",
        customer_goals="Find a better option than the current office coffee\nLearn the basics without a sales call",
        motivations="Team complaints about bitter coffee\nCurious after a colleague's recommendation\nA free, useful guide",
        actions="Downloads the Office Coffee Guide from an Instagram ad\nReads the welcome email, skims the tips\nClicks a blog post; ignores emails that look like ads",
        obstacles="Doesn't know us yet, so the emails need to earn trust\nInbox full of supplier newsletters\nGeneric welcome with no clear next step",
        opportunities="Deliver the promised guide instantly and say what to expect\nLead with a practical tip before any offer\nSegment offices from home brewers at signup",
        touchpoints="Signup form (guide download)\nWelcome email\nBlog\nInstagram ads",
        emotion=1,
        emails=(_WELCOME, _VALUE, _HINT),
    ),
    StarterStage(
        name="Consideration",
        customer_goals="Choose coffee the whole team will like\nStay within the office budget\nAvoid another supplier to manage",
        motivations="Proof that teams like theirs made the switch\nTrying before committing\nExpert help with their machine",
        actions="Compares plans and prices with the supermarket and pod supplier\nOrders the free tasting box\nForwards the case study to the boss",
        obstacles="Not enough information on cost per cup\nNeeds approval from the boss\nUnsure which blend or grind suits the machine",
        opportunities="Case study with real numbers for the budget holder\nFree tasting box with a follow-up call\nQuotes from office managers answering the usual doubts",
        touchpoints="Plans page\nTasting box request form\nContact form\nCase study and testimonial emails\nTasting call booking",
        emotion=0,
        emails=(_CASE_STUDY, _FREE_TRIAL, _DEMO, _TESTIMONIALS),
    ),
    StarterStage(
        name="Decision",
        customer_goals="Place the order quickly\nKnow exactly when the coffee arrives\nGet an invoice the accountant accepts",
        motivations="The tasting box went down well\nFree shipping on the first box\nNo contract, easy to pause",
        actions="Adds a plan to the cart and gets interrupted\nCompletes checkout\nForwards the order confirmation to finance",
        obstacles="Worried about committing to a subscription\nCheckout interrupted by a meeting\nNo idea when the first delivery will arrive",
        opportunities="Cart reminder that answers the commitment worry\nConfirmation with roast, ship and delivery dates\nPersonal thank-you from the founder",
        touchpoints="Checkout\nAbandoned cart email\nOrder confirmation\nShipping notice with tracking",
        emotion=-1,
        emails=(_CART, _ORDER_CONFIRMATION, _THANK_YOU, _SHIPPING),
    ),
    StarterStage(
        name="Retention",
        customer_goals="Coffee that tastes great every time\nNever run out\nSpend nothing more than planned",
        motivations="Recognition for staying with us\nTips that make the coffee better\nBeing asked what they think",
        actions="Brews the first bag, adjusts the grind\nSkips a delivery over the holidays\nStops opening emails after a few months",
        obstacles="First brew disappoints because of the machine settings\nRuns out before the next delivery\nEmails feel repetitive, so they stop reading",
        opportunities="Recipe cards per machine after the first delivery\nRoast Club rewards for staying\nSurvey to catch problems early\nWin-back offer after 60 days of inactivity",
        touchpoints="Usage tips email\nLoyalty programme\nSurvey\nAccount page\nNewsletter",
        emotion=1,
        emails=(_USAGE_TIPS, _LOYALTY, _SURVEY, _REENGAGEMENT, _BIRTHDAY),
    ),
    StarterStage(
        name="Advocacy",
        customer_goals="Share a good find with peers\nBe part of a community of coffee lovers",
        motivations="Pride in the office coffee\nRewards for referrals\nMeeting the roasters",
        actions="Recommends us to another office manager\nWrites a review\nJoins the monthly online tasting",
        obstacles="No easy way to share or refer\nNever asked for a review\nNothing to invite people to",
        opportunities="Review request when they are happiest\nReferral link with a reward on both sides\nMonthly tasting and quarterly open day",
        touchpoints="Review request\nReferral programme\nCommunity events\nSocial media",
        emotion=2,
        emails=(_REVIEW, _REFERRAL, _COMMUNITY),
    ),
)


DEMO_PERSONAS: tuple[dict, ...] = (
    {
        "name": "Office manager Olivia",
        "description": "Runs the office of a 15-person design agency. Buys everything from printer paper "
        "to coffee, on a budget, and hears every complaint about the kitchen.",
        "goals": "Keep the team happy with little effort\nStay within the monthly office budget\n"
        "Fewer suppliers to manage",
        "motivations": "Team complaints about the current coffee\nSaving time on re-ordering\n"
        "Looking good to the team and the boss",
        "segment": "Small offices (5-30 people)",
        "merge_data": {
            "first_name": "Olivia",
            "last_name": "Hart",
            "company": "Brightside Studio",
            "city": "Portland",
            "plan": "Team",
        },
    },
    {
        "name": "Studio founder Sam",
        "description": "Co-founder of a 6-person architecture practice. A home-barista who wants the "
        "studio's coffee to be as good as at home, and decides fast.",
        "goals": "Great coffee for clients and the team\nTry new single origins\nNo contracts",
        "motivations": "Quality and provenance\nSupporting a local roaster\nImpressing visiting clients",
        "segment": "Micro studios (under 10 people)",
        "merge_data": {
            "first_name": "Sam",
            "last_name": "Okafor",
            "company": "Okafor & Lund Architects",
            "city": "Seattle",
            "plan": "Studio",
        },
    },
)


DEMO_JOURNEY: dict = {
    "name": "Office coffee subscription",
    "goal": "Turn guide downloads into office subscribers who stay and recommend us",
    "target_kpi": "Guide download to paid subscription: 8% within 30 days",
    "map_type": "current_state",
}
