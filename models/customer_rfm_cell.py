from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import analytics


class CustomerRfmCell(models.Model):
    """One cell of the RFM segment map: an R range × an FM range → a segment."""

    _name = "customer.rfm.cell"
    _description = "RFM Segment Map Cell"
    _order = "r_max desc, fm_max desc, id"
    _rec_name = "segment"

    segment = fields.Selection(list(analytics.SEGMENTS), required=True)
    r_min = fields.Integer(string="R From", required=True, default=1)
    r_max = fields.Integer(string="R To", required=True, default=5)
    fm_min = fields.Integer(
        string="FM From", required=True, default=1, help="FM = (F + M) / 2, rounded half up."
    )
    fm_max = fields.Integer(string="FM To", required=True, default=5)

    @api.constrains("segment", "r_min", "r_max", "fm_min", "fm_max")
    def _check_cells(self):
        """Ranges within 1-5, in order, and no customer in two cells."""
        for cell in self:
            bounds = (cell.r_min, cell.r_max, cell.fm_min, cell.fm_max)
            if min(bounds) < 1 or max(bounds) > 5:
                raise ValidationError(
                    self.env._(
                        "RFM scores go from 1 to 5: the cell %(cell)s is outside.",
                        cell=cell._label(),
                    )
                )
            if cell.r_min > cell.r_max or cell.fm_min > cell.fm_max:
                raise ValidationError(
                    self.env._(
                        "The cell %(cell)s has a range that ends before it starts.",
                        cell=cell._label(),
                    )
                )
        cells = self.search([])  # pylint: disable=no-search-all
        overlaps = analytics.map_overlaps(cells._as_map())
        if overlaps:
            first, second = cells[overlaps[0][0]], cells[overlaps[0][1]]
            raise ValidationError(
                self.env._(
                    "The RFM map cells %(first)s and %(second)s overlap: a customer would be in "
                    "both. Narrow one of them.",
                    first=first._label(),
                    second=second._label(),
                )
            )

    def _label(self):
        self.ensure_one()
        segment = dict(self._fields["segment"]._description_selection(self.env)).get(
            self.segment, self.segment or ""
        )
        return self.env._(
            "%(segment)s (R %(r_min)s-%(r_max)s × FM %(fm_min)s-%(fm_max)s)",
            segment=segment,
            r_min=self.r_min,
            r_max=self.r_max,
            fm_min=self.fm_min,
            fm_max=self.fm_max,
        )

    def _as_map(self):
        """These cells as the engine's segment map: ``(segment, r_min, r_max, fm_min,
        fm_max)`` tuples."""
        return tuple((c.segment, c.r_min, c.r_max, c.fm_min, c.fm_max) for c in self)

    @api.model
    def _gaps(self):
        """The (R, FM) pairs no cell covers: customers there get no segment."""
        return analytics.map_gaps(self.search([])._as_map())  # pylint: disable=no-search-all
