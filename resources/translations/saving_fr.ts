<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr" sourcelanguage="en">
<context>
    <name>BookmarkDialog</name>
    <message>
        <source>Saving the bookmark…</source>
        <translation>Enregistrement du signet en cours…</translation>
    </message>
</context>
<context>
    <name>BookmarkEditDialog</name>
    <message>
        <source>Saving the change…</source>
        <translation>Enregistrement de la modification en cours…</translation>
    </message>
</context>
<context>
    <name>TourEditDialog</name>
    <message>
        <source>Saving the tour…</source>
        <translation>Enregistrement de la ronde en cours…</translation>
    </message>
    <message>
        <source>The tour was NOT saved: the database cannot be written. Your changes are still here; try again in a moment.</source>
        <translation>La ronde n&apos;a PAS été enregistrée : la base de données ne peut pas être écrite. Vos modifications sont conservées ; réessayez dans un instant.</translation>
    </message>
</context>
<context>
    <name>TourManagerDialog</name>
    <message>
        <source>Deleting « {name} »…</source>
        <translation>Suppression de « {name} » en cours…</translation>
    </message>
    <message>
        <source>The tour « {name} » was NOT deleted: the database cannot be written. Try again in a moment.</source>
        <translation>La ronde « {name} » n&apos;a PAS été supprimée : la base de données ne peut pas être écrite. Réessayez dans un instant.</translation>
    </message>
</context>
<context>
    <name>ShiftStartDialog</name>
    <message>
        <source>Opening the shift…</source>
        <translation>Ouverture de la vacation en cours…</translation>
    </message>
    <message>
        <source>Joining the shift…</source>
        <translation>Entrée dans la vacation en cours…</translation>
    </message>
</context>
<context>
    <name>HandoverAckDialog</name>
    <message>
        <source>Recording the acknowledgment…</source>
        <translation>Enregistrement de l&apos;acquittement en cours…</translation>
    </message>
</context>
<context>
    <name>WallStateStore</name>
    <message>
        <source>The wall&apos;s state cannot be saved now (database unreachable): the wall goes on, and its state is saved again at the next change.</source>
        <translation>L&apos;état du mur ne peut pas être enregistré pour l&apos;instant (base de données injoignable) : le mur continue, et son état sera enregistré au prochain changement.</translation>
    </message>
    <message>
        <source>The wall as it was cannot be read now (database unreachable): it starts on the first commune.</source>
        <translation>Le mur tel qu&apos;il était ne peut pas être relu pour l&apos;instant (base de données injoignable) : il démarre sur la première commune.</translation>
    </message>
</context>
</TS>
