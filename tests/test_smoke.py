from sim import BorderModel, load_config


def test_default_scenario_runs_a_few_days():
    model = BorderModel(load_config(["days=3"])).run(progress=False)
    assert model.hour == 72
    assert model.summary["total"]["camp_arrivals"] > 0
