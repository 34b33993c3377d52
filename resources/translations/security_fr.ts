<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="fr" sourcelanguage="en">
<context>
    <name>CredentialsDialog</name>
    <message>
        <location filename="../../csu_wall/gui/credentials_dialog.py" line="37" />
        <source>Recorder credentials</source>
        <translation>Identifiants des enregistreurs</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/credentials_dialog.py" line="40" />
        <source>Credentials are encrypted in the shared database under the site key. They are never shown again: to change one, enter it anew.</source>
        <translation>Les identifiants sont chiffrés dans la base partagée sous la clé de site. Ils ne sont jamais réaffichés : pour en changer un, saisissez-le à nouveau.</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/credentials_dialog.py" line="57" />
        <source>&amp;Save</source>
        <translation>&amp;Enregistrer</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/credentials_dialog.py" line="59" />
        <source>&amp;Delete</source>
        <translation>&amp;Supprimer</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/credentials_dialog.py" line="62" />
        <source>&amp;User name</source>
        <translation>&amp;Nom d'utilisateur</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/credentials_dialog.py" line="63" />
        <source>&amp;Password</source>
        <translation>&amp;Mot de passe</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/credentials_dialog.py" line="64" />
        <source>&amp;Confirm</source>
        <translation>&amp;Confirmation</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/credentials_dialog.py" line="84" />
        <source>credential stored</source>
        <translation>identifiant enregistré</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/credentials_dialog.py" line="84" />
        <source>none</source>
        <translation>aucun</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/credentials_dialog.py" line="116" />
        <source>Choose a recorder first.</source>
        <translation>Choisissez d'abord un enregistreur.</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/credentials_dialog.py" line="119" />
        <source>The two passwords differ: nothing was changed.</source>
        <translation>Les deux mots de passe diffèrent : rien n'a été modifié.</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/credentials_dialog.py" line="128" />
        <source>Credential of {recorder} saved (encrypted).</source>
        <translation>Identifiant de {recorder} enregistré (chiffré).</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/credentials_dialog.py" line="138" />
        <source>Delete the credential</source>
        <translation>Supprimer l'identifiant</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/credentials_dialog.py" line="139" />
        <source>Delete the credential of {recorder}? Its cameras stop playing on every workstation until a new one is entered.</source>
        <translation>Supprimer l'identifiant de {recorder} ? Ses caméras cessent d'être affichées sur tous les postes jusqu'à la saisie d'un nouvel identifiant.</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/credentials_dialog.py" line="151" />
        <source>Credential of {recorder} deleted.</source>
        <translation>Identifiant de {recorder} supprimé.</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/credentials_dialog.py" line="152" />
        <source>No credential to delete.</source>
        <translation>Aucun identifiant à supprimer.</translation>
    </message>
</context>
<context>
    <name>DbBanner</name>
    <message>
        <location filename="../../csu_wall/gui/db_banner.py" line="38" />
        <source>Database unreachable since {since}: open views keep playing, new openings wait for it to come back.</source>
        <translation>Base de données injoignable depuis {since} : les vues ouvertes continuent, les nouvelles ouvertures attendent son retour.</translation>
    </message>
    <message numerus="yes">
        <source>%n audit record(s) waiting on this workstation.</source>
        <translation>
            <numerusform>%n enregistrement d'audit en attente sur ce poste.</numerusform>
            <numerusform>%n enregistrements d'audit en attente sur ce poste.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>WallFeatures</name>
    <message>
        <location filename="../../csu_wall/gui/features.py" line="91" />
        <source>Recorded video is not available here: the live camera is shown.</source>
        <translation>La vidéo enregistrée n'est pas disponible sur ce poste : la caméra est affichée en direct.</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/features.py" line="96" />
        <source>Recorded video unavailable ({reason}): the live camera is shown.</source>
        <translation>Vidéo enregistrée indisponible ({reason}) : la caméra est affichée en direct.</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/features.py" line="119" />
        <source>&amp;Administration</source>
        <translation>&amp;Administration</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/features.py" line="120" />
        <source>Recorder &amp;credentials…</source>
        <translation>&amp;Identifiants des enregistreurs…</translation>
    </message>
</context>
</TS>