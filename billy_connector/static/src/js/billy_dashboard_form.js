import { onWillRender } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { FormController } from "@web/views/form/form_controller";
import { formView } from "@web/views/form/form_view";

/** The Billy dashboard: one screen per user and company, so no pager ("1 / 1"). */
export class BillyDashboardFormController extends FormController {
    setup() {
        super.setup();
        const pagerProps = this.env.config.pagerProps;
        onWillRender(() => {
            if (pagerProps) {
                pagerProps.total = 0;
            }
        });
    }
}

registry.category("views").add("billy_dashboard_form", {
    ...formView,
    Controller: BillyDashboardFormController,
});
