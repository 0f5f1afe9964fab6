import { registry } from "@web/core/registry";

// tests/test_messages.py: a log of a run made in English, opened by a Danish user
registry.category("web_tour.tours").add("billy_log_in_danish", {
    steps: () => [
        {
            content: "The log's name is the kind of run, in Danish",
            trigger: ".o_breadcrumb:contains(Samlet synkronisering)",
        },
        {
            content: "The summary counts in Danish",
            trigger: "div[name=summary]:contains(Fejlet: 1)",
        },
        {
            content: "The failed line says why, in Danish",
            trigger: "div[name=line_ids] td:contains(Billy kræver et land for hver kontakt)",
        },
        {
            content: "Open the list of runs",
            trigger: ".o_breadcrumb a:contains(Billy)",
            run: "click",
        },
        {
            content: "The list shows the kind of run in Danish",
            trigger: ".o_list_view td[name=trigger]:contains(Samlet synkronisering)",
        },
    ],
});
