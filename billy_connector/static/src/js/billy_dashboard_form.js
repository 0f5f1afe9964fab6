import { onWillRender } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { FormController } from "@web/views/form/form_controller";
import { formView } from "@web/views/form/form_view";

/** The Billy dashboard: one screen per user and company, so no pager ("1 / 1"). */
export class BillyDashboardFormController extends FormController {
    setup() {
        // registered before the form's pager hook, this runs after it at each render (a
        // later onWillRender wraps an earlier one and runs first); it writes without reading,
        // so the controller does not observe the pager and renders only when it must
        onWillRender(() => {
            const pagerProps = this.env.config.pagerProps;
            if (pagerProps) {
                pagerProps.total = 0;
            }
        });
        super.setup();
    }
}

registry.category("views").add("billy_dashboard_form", {
    ...formView,
    Controller: BillyDashboardFormController,
});
