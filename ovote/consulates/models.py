from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ovote.extensions import db
from ovote.language import name_in


class Named:
    """A name in the default language, and in other languages if the commission gave them."""

    @property
    def local_name(self):
        """The name in the reader's language, else the default language's."""
        return name_in(self.name, self.names)

    def name_in(self, language):
        return name_in(self.name, self.names, language)


class Consulate(Named, db.Model):
    """A consular post abroad; its officials verify the voters of the countries it serves."""

    __tablename__ = "consulates"
    __table_args__ = (
        CheckConstraint("length(code) BETWEEN 2 AND 8", name="code_length"),
        CheckConstraint("length(host_country) = 2", name="host_country_alpha2"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: short upper-case code used in URLs and reports, e.g. "PAR"
    code: Mapped[str] = mapped_column(String(8), nullable=False, unique=True)
    #: display name in the default language, e.g. "Consulate General in Paris"
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    #: the name in other languages offered, e.g. {"fr": "Consulat général à Paris"}
    names: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict, server_default="{}")
    city: Mapped[str] = mapped_column(String(120), nullable=False)
    #: ISO 3166-1 alpha-2 code of the country the post is in
    host_country: Mapped[str] = mapped_column(String(2), nullable=False)
    #: IANA time zone, e.g. "Europe/Paris"; deadlines are shown in it
    timezone: Mapped[str] = mapped_column(String(64), nullable=False)
    #: a closed post keeps its records but serves no one
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    served = relationship(
        "ConsulateCountry",
        cascade="all, delete-orphan",
        order_by="ConsulateCountry.country_code",
        lazy="selectin",
    )

    @property
    def served_countries(self):
        return [row.country_code for row in self.served]

    def __repr__(self):
        return f"<Consulate {self.code}>"


class ConsulateCountry(db.Model):
    """A country of residence that a consulate serves (a country may have several posts)."""

    __tablename__ = "consulate_countries"
    __table_args__ = (
        UniqueConstraint("consulate_id", "country_code"),
        CheckConstraint("length(country_code) = 2", name="country_alpha2"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consulate_id: Mapped[int] = mapped_column(
        ForeignKey("consulates.id", ondelete="CASCADE"), nullable=False
    )
    #: ISO 3166-1 alpha-2
    country_code: Mapped[str] = mapped_column(String(2), nullable=False, index=True)


class Constituency(Named, db.Model):
    """A home constituency: where an overseas voter's vote is counted at home.

    The commission defines them; the civil registry and applications refer to them.
    """

    __tablename__ = "constituencies"
    __table_args__ = (CheckConstraint("length(code) BETWEEN 1 AND 16", name="code_length"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: short upper-case code, as written in the civil-registry CSV, e.g. "NORTH"
    code: Mapped[str] = mapped_column(String(16), nullable=False, unique=True)
    #: display name in the default language, e.g. "Northern constituency"
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    #: the name in other languages offered, e.g. {"fr": "Circonscription du Nord"}
    names: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict, server_default="{}")

    def __repr__(self):
        return f"<Constituency {self.code}>"
