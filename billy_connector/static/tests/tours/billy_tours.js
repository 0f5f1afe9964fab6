import { registry } from "@web/core/registry";

const TOKEN = "test-token-billy-connector"; // tests/common.py: TOKEN

function closeDialog() {
    return {
        content: "Close the dialog",
        trigger: ".modal-footer button:contains(Close)",
        run: "click",
    };
}

registry.category("web_tour.tours").add("billy_settings_connection", {
    steps: () => [
        {
            content: "The Billy settings start untested",
            trigger: "#billy_connection_setting:contains(Not tested yet)",
        },
        {
            content: "Paste the Billy access token",
            trigger: "div[name=billy_api_key] input",
            run: `edit ${TOKEN}`,
        },
        {
            content: "Test the connection",
            trigger: "button[name=action_billy_test_connection]",
            run: "click",
        },
        {
            content: "Save the changed settings first (saving a key tests it; the page reloads)",
            trigger: ".modal button:contains(Save)",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The connection is green, with the organization's name",
            trigger: "#billy_connection_setting .text-success:contains(Connected to Nordisk Test ApS)",
        },
        {
            content: "The status says when it was checked",
            trigger: "#billy_connection_setting .o_billy_connection_checked:contains(Last checked)",
        },
        {
            content: "Test the saved connection again",
            trigger: "button[name=action_billy_test_connection]",
            run: "click",
        },
        {
            content: "A notification says what Billy answered",
            trigger: ".o_notification:contains(Connected to Nordisk Test ApS)",
        },
        {
            content: "The connection stays green",
            trigger: "#billy_connection_setting .text-success:contains(Connected to Nordisk Test ApS)",
        },
    ],
});

registry.category("web_tour.tours").add("billy_dashboard_connection", {
    steps: () => [
        {
            content: "The banner is red: the last sync found Billy refusing the key",
            trigger: ".o_billy_connection_failed:visible:contains(did not accept the API key)",
        },
        {
            content: "It says when the connection was last checked",
            trigger: ".o_billy_connection_failed:visible .o_billy_connection_checked:not(:empty)",
        },
        {
            content: "Test the connection again (the key works again)",
            trigger: ".o_billy_connection_failed button[name=action_test_connection]",
            run: "click",
        },
        {
            content: "A notification says Billy answered",
            trigger: ".o_notification:contains(Connected to Nordisk Test ApS)",
        },
        {
            content: "The banner is green now",
            trigger: ".o_billy_connection_ok:visible:contains(Connected to Nordisk Test ApS)",
        },
    ],
});

registry.category("web_tour.tours").add("billy_partner_sync", {
    steps: () => [
        {
            content: "Sync the partner with Billy",
            trigger: ".o_form_view button[name=action_billy_sync]",
            run: "click",
        },
        {
            content: "The popup says what happened",
            trigger: ".modal .o_billy_sync_message:contains(created in Billy)",
        },
        closeDialog(),
        {
            content: "The popup is gone",
            trigger: "body:not(:has(.modal))",
        },
    ],
});

registry.category("web_tour.tours").add("billy_invoice_sync", {
    steps: () => [
        {
            content: "Sync the invoice with Billy",
            trigger: ".o_form_view button[name=action_billy_sync]",
            run: "click",
        },
        {
            content: "The popup says the invoice went to Billy",
            trigger: ".modal .o_billy_sync_message:contains(created in Billy)",
        },
        closeDialog(),
        {
            content: "Open the Billy tab of the invoice",
            trigger: ".o_notebook a[name=billy]",
            run: "click",
        },
        {
            content: "Billy's status shows on the invoice",
            trigger: ".o_field_widget[name=billy_sync_state]:contains(Synced)",
        },
    ],
});

registry.category("web_tour.tours").add("billy_dashboard_retry", {
    steps: () => [
        {
            content: "The dashboard lists the failed record with its reason",
            trigger: ".o_billy_failed .o_data_row:contains(Havnens Café):contains(country)",
        },
        {
            content: "Retry it",
            trigger: ".o_billy_failed .o_data_row:contains(Havnens Café) button[name=action_billy_retry]",
            run: "click",
        },
        {
            content: "The popup says it was created in Billy",
            trigger: ".modal .o_billy_sync_message:contains(created in Billy)",
        },
        closeDialog(),
        {
            content: "The failed record is gone from the dashboard",
            trigger: ".o_billy_dashboard:not(:has(.o_billy_failed .o_data_row))",
        },
        {
            content: "Preview a bulk sync",
            trigger: "button[name=action_preview]",
            run: "click",
        },
        {
            content: "The preview lists what a sync would do, changing nothing",
            trigger: ".modal .o_billy_preview .o_data_row:contains(Fjord Design ApS):contains(Create)",
        },
        closeDialog(),
    ],
});

registry.category("web_tour.tours").add("billy_invoice_register_payment", {
    steps: () => [
        {
            content: "Open the Billy tab of the invoice",
            trigger: ".o_notebook a[name=billy]",
            run: "click",
        },
        {
            content: "The tab says Billy has the payment and why Odoo has not",
            trigger: ".o_billy_payment_status:contains(Paid in Billy on):contains(payment registration is off):contains(Settings → Billy)",
        },
        {
            content: "Register Billy's payment in Odoo",
            trigger: ".o_billy_payment_status button[name=action_billy_register_payments]",
            run: "click",
        },
        {
            content: "The popup says the payment was registered",
            trigger: ".modal .o_billy_sync_message:contains(registered from Billy)",
        },
        closeDialog(),
        {
            content: "The tab says Odoo has registered it, and the button is gone",
            trigger: ".o_billy_payment_status:contains(Registered in Odoo as well):not(:has(button[name=action_billy_register_payments]))",
        },
    ],
});

registry.category("web_tour.tours").add("billy_settings_screen", {
    steps: () => [
        {
            content: "The choices come first; the mapping starts collapsed",
            trigger: "#billy_mapping_setting .o_billy_mapping_details:not([open]) summary:contains(Show the standard mapping)",
        },
        {
            content: "The priority's label is above its radio buttons",
            trigger: ".o_billy_priority .o_form_label:contains(When both sides changed)",
            run() {
                const priority = document.querySelector(".o_billy_priority");
                const label = priority.querySelector(".o_form_label").getBoundingClientRect();
                const radio = priority.querySelector(".o_field_radio").getBoundingClientRect();
                if (radio.top < label.bottom - 1) {
                    throw new Error("the radio buttons run into their label");
                }
            },
        },
        {
            content: "Sync now says what it syncs",
            trigger: "#billy_sync_now_setting:contains(partners, products and invoices)",
        },
        {
            content: "Open the standard mapping",
            trigger: "#billy_mapping_setting .o_billy_mapping_details summary",
            run: "click",
        },
        {
            content: "It reads in people's words: Odoo's label ⇄ Billy's label",
            trigger: ".o_billy_mapping_details[open] .o_billy_mapping td:contains(Postal code)",
        },
        {
            content: "No Billy field names",
            trigger: ".o_billy_mapping_details[open]:contains(Archived):not(:contains(zipcodeText))",
        },
    ],
});

let dashboardPath = null;

/** The dashboard's address once the router has written the record's id into it (it does so
 * after the record loaded; the tour may look earlier). */
async function settledDashboardPath() {
    for (let tries = 0; tries < 50 && !/\/\d+$/.test(window.location.pathname); tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return window.location.pathname;
}

registry.category("web_tour.tours").add("billy_dashboard_twice", {
    steps: () => [
        {
            content: "The dashboard opens in the Billy app, without a pager",
            trigger: ".o_main_navbar .o_menu_brand:contains(Billy)",
        },
        {
            content: "Remember where the dashboard is",
            trigger: ".o_billy_dashboard .o_billy_counts",
            async run() {
                if (document.querySelector(".o_control_panel .o_pager")) {
                    throw new Error("the dashboard shows a pager");
                }
                dashboardPath = await settledDashboardPath();
            },
        },
        {
            content: "Go to the sync log",
            trigger: ".o_main_navbar [data-menu-xmlid='billy_connector.billy_menu_sync_log']",
            run: "click",
        },
        {
            content: "The sync log is open",
            trigger: ".o_list_view",
        },
        {
            content: "Open the dashboard again from the menu",
            trigger: ".o_main_navbar [data-menu-xmlid='billy_connector.billy_menu_dashboard']",
            run: "click",
        },
        {
            content: "The same dashboard, at the same address",
            trigger: ".o_billy_dashboard .o_billy_counts",
            async run() {
                const path = await settledDashboardPath();
                if (path !== dashboardPath) {
                    throw new Error(`${path} is not ${dashboardPath}`);
                }
                if (document.querySelector(".o_control_panel .o_pager")) {
                    throw new Error("the dashboard shows a pager");
                }
            },
        },
    ],
});
