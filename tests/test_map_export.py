"""Map exports opened and checked (PNG, SVG, printable page, CSV, template) and the lane CSV round trip."""

import csv
import io
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from journey.core.errors import ImportRejected, StaleEdit
from journey.plan import journeys, map_export
from journey.plan.charts import map_chart, map_png, map_svg
from journey.plan.map_export import (
    CSV_COLUMNS,
    import_lanes_csv,
    map_csv,
    parse_lanes_csv,
    printable_html,
    template_csv,
    template_html,
)
from journey.plan.maps import build_map

LANES = ("customer_goals", "motivations", "actions", "obstacles", "opportunities", "touchpoints")


@pytest.fixture
def journey_map(session):
    journey = journeys.create_journey(session, name="Spring", goal="Grow")
    return build_map(journeys.load_tree(session, journey.id))


def lanes_of(session, journey_id):
    return {
        n.stage.name: ({lane: getattr(n.stage, lane) for lane in LANES}, n.stage.emotion)
        for n in journeys.load_tree(session, journey_id).stages
    }


def test_svg_parses_and_png_decodes_at_the_svg_size(journey_map):
    svg = map_svg(journey_map)
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    width, height = float(root.get("width")), float(root.get("height"))
    assert width > 5 * 200  # one column per stage
    text = " ".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
    assert "Awareness" in text
    assert "Advocacy" in text
    image = Image.open(io.BytesIO(map_png(journey_map, scale=2)))
    image.verify()
    assert image.format == "PNG"
    assert image.size == (round(width * 2), round(height * 2))


def test_the_map_chart_holds_the_emotion_curve_and_a_card_per_email(journey_map):
    spec = map_chart(journey_map).to_dict()
    curve, board = spec["vconcat"]
    assert curve["mark"]["type"] == "line"
    cards = [r for r in board["data"]["values"] if r["row"].startswith("Email")]
    assert len(cards) == sum(len(s.emails) for s in journey_map.stages)
    assert "Spring — Current state" in str(spec["title"])


def test_printable_page_is_a4_landscape_with_every_stage_lane_and_email(journey_map):
    html = printable_html(journey_map)
    assert "@page { size: A4 landscape" in html
    for stage in journey_map.stages:
        assert f"<th>{stage.name}</th>" in html
        for card in stage.emails:
            assert card.name.replace("'", "&#x27;") in html
            assert card.subject.replace("'", "&#x27;").replace("“", "“") in html
    for label in ("Customer goals", "Motivations", "Actions", "Obstacles", "Opportunities", "Touchpoints"):
        assert f'<th class="lane">{label}</th>' in html


def test_csv_has_a_row_per_stage_a_column_per_lane_and_the_emotion(journey_map):
    rows = list(csv.DictReader(io.StringIO(map_csv(journey_map))))
    assert list(rows[0]) == CSV_COLUMNS
    assert [r["Stage"] for r in rows] == [s.name for s in journey_map.stages]
    assert rows[0]["Customer goals"].splitlines() == journey_map.stages[0].lanes["customer_goals"]
    assert [int(r["Emotion"]) for r in rows] == [s.emotion for s in journey_map.stages]


def test_formula_looking_cells_are_escaped_on_export_and_restored_on_import(session):
    journey = journeys.create_journey(session, name="Formulas", template="blank")
    journeys.add_stage(
        session, journey.id, name="Awareness", obstacles='=HYPERLINK("http://evil")\n- dash', actions="@me"
    )
    journeys.add_stage(session, journey.id, name="-Win back", emotion=-2)
    exported = map_csv(build_map(journeys.load_tree(session, journey.id)))
    row, second = csv.DictReader(io.StringIO(exported))
    assert row["Obstacles"].startswith("'=HYPERLINK")
    assert row["Actions"] == "'@me"
    assert (second["Stage"], second["Emotion"]) == ("'-Win back", "-2")  # text escaped, a number left as is
    parsed, parsed_second = parse_lanes_csv(exported)
    assert (parsed_second["name"], parsed_second["emotion"]) == ("-Win back", -2)
    assert parsed["obstacles"] == '=HYPERLINK("http://evil")\n- dash'
    assert parsed["actions"] == "@me"


def test_the_empty_template_has_the_five_stages_and_every_lane():
    rows = list(csv.DictReader(io.StringIO(template_csv())))
    assert [r["Stage"] for r in rows] == ["Awareness", "Consideration", "Decision", "Retention", "Advocacy"]
    assert all(v == "" for r in rows for k, v in r.items() if k != "Stage")
    html = template_html()
    assert "@page { size: A4 landscape" in html
    for label in ("Customer goals", "Obstacles", "Touchpoints", "Emotion", "Emails", "Advocacy"):
        assert label in html


def test_lane_csv_round_trip_into_a_blank_journey(session, journey_map):
    source = journeys.get_journey_by_name(session, "Spring")
    target = journeys.create_journey(session, name="Workshop", template="blank")
    result = import_lanes_csv(session, target.id, map_csv(journey_map).encode("utf-8"))
    assert result.created == [s.name for s in journey_map.stages]
    assert lanes_of(session, target.id) == lanes_of(session, source.id)


def test_a_filled_in_template_updates_stages_by_name_and_adds_new_ones(session):
    journey = journeys.create_journey(session, name="Spring", template="demo")
    filled = (
        "\ufeffstage;Obstacles;emotion\r\n"
        'decision;"Too expensive\nNo time";-2\r\n'
        "Win-back;Forgot about us;\r\n"
    ).encode()
    result = import_lanes_csv(session, journey.id, filled)
    assert (result.updated, result.created) == (["Decision"], ["Win-back"])
    lanes = lanes_of(session, journey.id)
    assert lanes["Decision"][0]["obstacles"] == "Too expensive\nNo time"
    assert lanes["Decision"][1] == -2
    assert lanes["Decision"][0]["customer_goals"].startswith("Place the order quickly")  # column absent: kept
    assert list(lanes)[-1] == "Win-back"
    assert lanes["Win-back"] == ({**dict.fromkeys(LANES, ""), "obstacles": "Forgot about us"}, 0)


@pytest.mark.parametrize(
    ("content", "message", "row"),
    [
        pytest.param(
            "Stage,Mood\nAwareness,ok\n", "Row 1, column 2 “Mood”: not a lane", 1, id="unknown-column"
        ),
        pytest.param("Obstacles\nToo slow\n", "no “Stage” column", 1, id="no-stage-column"),
        pytest.param(
            "Stage,Emotion\nAwareness,1\nDecision,5\n",
            "Row 3, column “Emotion”",
            3,
            id="emotion-out-of-range",
        ),
        pytest.param(
            "Stage,Obstacles\nAwareness,a\n,b\n",
            "Row 3, column “Stage”: the stage name is empty",
            3,
            id="no-name",
        ),
        pytest.param(
            "Stage\nAwareness\nawareness\n",
            "Row 3, column “Stage”: “awareness” is already on row 2",
            3,
            id="twice",
        ),
        pytest.param(b"Stage\n\xff\xfeA", "not UTF-8", None, id="not-utf8"),
        pytest.param(
            "Stage,stage\nA,B\n", "Row 1, column “stage”: the column appears twice", 1, id="column-twice"
        ),
        pytest.param(
            f"Stage\n{'S' * 81}\n", "Row 2, column “Stage”: the name is over 80 characters", 2, id="long-name"
        ),
        pytest.param(
            "Stage,Emotion\nAwareness,happy\n", "Row 2, column “Emotion”: 'happy'", 2, id="emotion-text"
        ),
        pytest.param("Stage\nAwareness,extra\n", "Row 2: 2 cells but only 1 columns", 2, id="too-many-cells"),
        pytest.param("Stage,Obstacles\n,\n", "a header but no stages", None, id="no-stages"),
        pytest.param("", "The file is empty", None, id="empty"),
    ],
)
def test_a_bad_csv_is_rejected_with_row_and_column_and_changes_nothing(session, content, message, row):
    journey = journeys.create_journey(session, name="Spring")
    before = lanes_of(session, journey.id)
    with pytest.raises(ImportRejected, match=message) as caught:
        import_lanes_csv(session, journey.id, content)
    assert caught.value.row == row
    assert lanes_of(session, journey.id) == before


def test_an_import_that_fails_half_way_writes_nothing(session):
    journey = journeys.create_journey(session, name="Spring")
    before = lanes_of(session, journey.id)
    # Row 2 is valid; row 3's lane is over the limit: nothing of row 2 may be written either.
    content = f"Stage,Obstacles\nAwareness,changed\nDecision,{'x' * 20_001}\n"
    with pytest.raises(ImportRejected, match="Row 3, column “Obstacles”"):
        import_lanes_csv(session, journey.id, content)
    assert lanes_of(session, journey.id) == before


def test_a_stage_refused_by_the_service_rolls_back_the_stages_written_before_it(session, monkeypatch):
    journey = journeys.create_journey(session, name="Spring")
    before = lanes_of(session, journey.id)
    real_update = journeys.update_stage
    calls = []

    def update_then_refuse(*args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise StaleEdit("This stage was changed by someone else since you opened it.")
        return real_update(*args, **kwargs)

    monkeypatch.setattr(journeys, "update_stage", update_then_refuse)
    with pytest.raises(StaleEdit):
        import_lanes_csv(
            session, journey.id, "Stage,Obstacles\nAwareness,first\nDecision,second\nNew,third\n"
        )
    session.expire_all()
    assert lanes_of(session, journey.id) == before


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Find a better  option\n", "Find a better option", id="fits-whitespace-collapsed"),
        pytest.param(
            "Find a better option than the current office coffee",
            "Find a better option than the…",
            id="cut-at-a-word",
        ),
        pytest.param(
            "https://fernhillcoffee.example/very/long/path",
            "https://fernhillcoffee.example/ve…",
            id="one-long-word",
        ),
    ],
)
def test_chart_lines_are_shortened_to_one_line_with_an_ellipsis(text, expected):
    assert map_export._short(text) == expected
    assert len(map_export._short(text)) <= map_export.LINE_CHARS


def test_a_semicolon_lanes_file_whose_cells_hold_commas_is_read_by_its_delimiter():
    text = "Stage;Obstacles;Emotion\r\nAwareness;Price, time, trust;1\r\nDecision;No trial, no demo;-1\r\n"
    stages = parse_lanes_csv(text)
    assert [s["name"] for s in stages] == ["Awareness", "Decision"]
    assert stages[0]["obstacles"] == "Price, time, trust"
    assert stages[1]["emotion"] == -1
