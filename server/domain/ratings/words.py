"""The household words of the built-in sets, marked for the translators.

``instruments.json`` holds them in Dutch (data, read by the product); this list only makes ``make messages``
find them, so that the catalogues can give them in every language a household reads. A unit test keeps it
equal to the JSON.
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark a text for extraction; it is translated where it is shown."""
    return message


HOUSEHOLD_WORDS = (
    # The scale, from worst to best.
    N_("Het gaat helemaal niet"),
    N_("Het gaat slecht"),
    N_("Het gaat matig"),
    N_("Het gaat goed"),
    N_("Het gaat prima"),
    # Leefgebieden: names.
    N_("Geld"),
    N_("Je dag"),
    N_("Je huis"),
    N_("Thuis samen"),
    N_("Hoe je je voelt"),
    N_("Je lichaam"),
    N_("Alcohol, drugs en gokken"),
    N_("Dagelijkse dingen"),
    N_("Mensen om je heen"),
    N_("Meedoen"),
    N_("Politie en rechter"),
    N_("Geld en schulden"),
    N_("School, werk of je dag"),
    N_("Werk, geld en schulden"),
    N_("School en de kinderen"),
    N_("Huis en dagelijkse dingen"),
    N_("Politie en veiligheid"),
    # Leefgebieden: one-line explanations (the household's own, and the ones it shares with professionals).
    N_("Werk, school, vrijwilligerswerk of iets anders wat je overdag doet."),
    N_("Eten, wassen, je kleren en het huishouden."),
    N_("Meedoen in de buurt, op een club of met andere mensen."),
    N_("Politie, rechter, boetes of een straf."),
    N_("Een huis, eten, wassen en de dagelijkse dingen."),
    N_("Hoe je je voelt, alcohol of drugs, en veiligheid thuis."),
    N_("Inkomen, rekeningen en schulden."),
    N_("Een veilig en betaalbaar huis."),
    N_("Hoe het thuis gaat tussen jullie."),
    N_("Hoe je je voelt, stress en zorgen."),
    N_("Je lichaam, pijn en zorg die je nodig hebt."),
    N_("Alcohol, drugs, gokken of iets anders waar je moeilijk mee stopt."),
    N_("Mensen om je heen op wie je kunt rekenen."),
    N_("Waar je woont en of dat goed gaat."),
    N_("Geld om van te leven, en schulden."),
    N_("School, werk of een andere zinvolle dag."),
    N_("Hoe je je voelt, lichamelijk en geestelijk."),
    N_("Werk, geld om van te leven, en schulden."),
    N_("School en hoe het met de kinderen gaat."),
    N_("Politie, rechter en veiligheid in de buurt."),
)
