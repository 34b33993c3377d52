<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr" sourcelanguage="en">
<context>
    <name>BookmarkPanel</name>
    <message>
        <location filename="../../csu_wall/gui/bookmark_panel.py" line="165"/>
        <source>Loading…</source>
        <translation>Chargement…</translation>
    </message>
    <message>
        <source>The bookmark cannot be opened now (database unreachable). Try again in a moment.</source>
        <translation>Le signet ne peut pas être ouvert pour l&apos;instant (base de données injoignable). Réessayez dans un instant.</translation>
    </message>
    <message>
        <source>Closing bookmark n°{id}…</source>
        <translation>Clôture du signet n°{id}…</translation>
    </message>
</context>
<context>
    <name>HandoverDialog</name>
    <message>
        <location filename="../../csu_wall/gui/handover_dialog.py" line="185"/>
        <source>Loading…</source>
        <translation>Chargement…</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/handover_dialog.py" line="200"/>
        <source>The report cannot be prepared now: the database cannot be read. Try again in a moment.</source>
        <translation>Le relevé ne peut pas être préparé pour l&apos;instant : la base de données ne peut pas être lue. Réessayez dans un instant.</translation>
    </message>
    <message>
        <source>Handing over…</source>
        <translation>Passation de la relève…</translation>
    </message>
</context>
<context>
    <name>RegisterDialog</name>
    <message>
        <location filename="../../csu_wall/gui/extraction_register.py" line="160"/>
        <source>Writing the register…</source>
        <translation>Écriture du registre…</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/extraction_register.py" line="162"/>
        <source>Loading…</source>
        <translation>Chargement…</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/extraction_register.py" line="179"/>
        <source>The register cannot be read now (database unreachable); the list shown may be out of date.</source>
        <translation>Le registre ne peut pas être lu pour l&apos;instant (base de données injoignable) ; la liste affichée peut être périmée.</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/extraction_register.py" line="250"/>
        <source>The register could not be written to {path}: the database cannot be read now.</source>
        <translation>Le registre n&apos;a pas pu être écrit dans {path} : la base de données ne peut pas être lue pour l&apos;instant.</translation>
    </message>
    <message>
        <source>The hand-over of extraction {reference} was NOT recorded: the database cannot be written. Try again in a moment.</source>
        <translation>La remise de l&apos;extraction {reference} n&apos;a PAS été enregistrée : la base de données ne peut pas être écrite. Réessayez dans un instant.</translation>
    </message>
</context>
<context>
    <name>TourManagerDialog</name>
    <message>
        <location filename="../../csu_wall/gui/tour_editor.py" line="206"/>
        <source>Loading…</source>
        <translation>Chargement…</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/tour_editor.py" line="237"/>
        <source>The tours cannot be read now: the database is unreachable. Try again in a moment.</source>
        <translation>Les rondes ne peuvent pas être lues pour l&apos;instant : la base de données est injoignable. Réessayez dans un instant.</translation>
    </message>
</context>
<context>
    <name>_Categories</name>
    <message>
        <source>Loading the categories… (the bookmark can be saved once they are read)</source>
        <translation>Chargement des catégories… (le signet pourra être enregistré une fois celles-ci lues)</translation>
    </message>
    <message>
        <source>The categories cannot be read now (database unreachable): the bookmark cannot be saved yet. Trying again…</source>
        <translation>Les catégories ne peuvent pas être lues pour l&apos;instant (base de données injoignable) : le signet ne peut pas encore être enregistré. Nouvel essai…</translation>
    </message>
</context>
<context>
    <name>EditController</name>
    <message>
        <source>A save is under way: try again in a moment.</source>
        <translation>Un enregistrement est en cours : réessayez dans un instant.</translation>
    </message>
    <message>
        <source>Saving the layout…</source>
        <translation>Enregistrement de la disposition…</translation>
    </message>
    <message>
        <source>The layout was NOT saved: the database cannot be written. Your changes are still on the wall; try again in a moment.</source>
        <translation>La disposition n&apos;a PAS été enregistrée : la base de données ne peut pas être écrite. Vos modifications restent sur le mur ; réessayez dans un instant.</translation>
    </message>
    <message>
        <source>The history cannot be read now: the database is unreachable.</source>
        <translation>L&apos;historique ne peut pas être lu pour l&apos;instant : la base de données est injoignable.</translation>
    </message>
    <message>
        <source>Restoring version {version}…</source>
        <translation>Restauration de la version {version}…</translation>
    </message>
    <message>
        <source>The version was NOT restored: the database cannot be written.</source>
        <translation>La version n&apos;a PAS été restaurée : la base de données ne peut pas être écrite.</translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <source>Loading…</source>
        <translation>Chargement…</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>The layout cannot be read now (database unreachable).</source>
        <translation>La disposition ne peut pas être lue pour l&apos;instant (base de données injoignable).</translation>
    </message>
    <message>
        <source>The handover cannot be read now (database unreachable): take the wall again from the Handover menu in a moment.</source>
        <translation>La relève ne peut pas être lue pour l&apos;instant (base de données injoignable) : reprenez le mur depuis le menu Relève dans un instant.</translation>
    </message>
</context>
<context>
    <name>TourEditDialog</name>
    <message>
        <source>Loading the cameras and layouts offered… (the tour can be saved once they are read)</source>
        <translation>Chargement des caméras et dispositions proposées… (la ronde pourra être enregistrée une fois celles-ci lues)</translation>
    </message>
    <message>
        <source>The cameras and layouts to choose from cannot be read now (database unreachable): the tour cannot be saved yet. Close and try again in a moment.</source>
        <translation>Les caméras et dispositions à choisir ne peuvent pas être lues pour l&apos;instant (base de données injoignable) : la ronde ne peut pas encore être enregistrée. Fermez et réessayez dans un instant.</translation>
    </message>
</context>
<context>
    <name>HandOverForm</name>
    <message>
        <source>Recording the hand-over…</source>
        <translation>Enregistrement de la remise…</translation>
    </message>
</context>
<context>
    <name>ShiftRetryDialog</name>
    <message>
        <source>Start of shift</source>
        <translation>Prise de vacation</translation>
    </message>
    <message>
        <source>The shift cannot be read now: the database is unreachable. The wall stays hidden until a shift is open; try again in a moment.</source>
        <translation>La vacation ne peut pas être lue pour l&apos;instant : la base de données est injoignable. Le mur reste masqué tant qu&apos;aucune vacation n&apos;est ouverte ; réessayez dans un instant.</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>Réessayer</translation>
    </message>
</context>
<context>
    <name>PlaybackBar</name>
    <message>
        <source>The bookmarks of the time shown cannot be read now (database unreachable).</source>
        <translation>Les signets de la période affichée ne peuvent pas être lus pour l&apos;instant (base de données injoignable).</translation>
    </message>
</context>
</TS>
